/**
 * Methods that take a stream of inputs, over gRPC today: the exported .proto declares them with
 * `stream` on the right sides, the server registers them with that shape, and a call of one
 * (from a typed client, or a stock grpc-js client) is answered UNIMPLEMENTED, saying so.
 */
import * as grpc from '@grpc/grpc-js';
import { connect, createClient, type RpcError } from '@interoffice/core';
import { Conformance } from '@interoffice/core/conformance';
import { afterEach, expect, it } from 'vitest';
import { grpcTransport, protoFileOf } from '../src/index.js';
import { cleanup, cleanups, serveGrpc } from './helpers.js';

afterEach(cleanup);

it('the .proto of a zod service says stream on the input of client streams and on both sides of bidi streams', () => {
  const text = protoFileOf(Conformance).text;
  expect(text).toContain('rpc Sum(stream SumRequest) returns (SumResponse);');
  expect(text).toContain('rpc RunningTotal(stream RunningTotalRequest) returns (stream RunningTotalResponse);');
  expect(text).toContain('rpc Countdown(CountdownRequest) returns (stream CountdownResponse);');
});

it('calls of them are answered UNIMPLEMENTED, naming the method; the rest of the service works', async () => {
  const { url } = await serveGrpc();
  const channel = await connect(url, { transports: [grpcTransport()] });
  cleanups.push(() => channel.close());
  const client = createClient(Conformance, channel);
  const e = (await client.sum([1, 2]).catch((x: unknown) => x)) as RpcError;
  expect(e.code).toBe('UNIMPLEMENTED');
  expect(e.message).toMatch(/conformance\.Conformance\.sum takes a stream of inputs: over gRPC that is not built yet/);
  // A stock grpc-js client streaming to it hears the same from the server.
  const stock = new grpc.Client(new URL(url).host, grpc.credentials.createInsecure());
  cleanups.push(() => stock.close());
  const status = await new Promise<grpc.ServiceError>((resolve) => {
    const call = stock.makeClientStreamRequest(
      '/conformance.Conformance/Sum',
      (b: Buffer) => b,
      (b: Buffer) => b,
      (err) => resolve(err as grpc.ServiceError),
    );
    call.write(Buffer.from([0x09, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f]));
    call.end();
  });
  expect(status.code).toBe(grpc.status.UNIMPLEMENTED);
  expect(status.details).toMatch(/not built yet/);
  expect(await client.add({ a: 2, b: 5 })).toBe(7);
});
