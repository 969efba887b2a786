/**
 * Client and bidi streams over gRPC, natively: the exported .proto declares them with `stream`
 * on the right sides, and a stock grpc-js client streaming raw protobuf to the server is
 * answered as the handler says, as Interoffice's own client is (the conformance suite).
 */
import * as grpc from '@grpc/grpc-js';
import { connect, createClient } from '@interoffice/core';
import { Conformance } from '@interoffice/core/conformance';
import { afterEach, expect, it } from 'vitest';
import { grpcTransport, protoFileOf } from '../src/index.js';
import { cleanup, cleanups, serveGrpc } from './helpers.js';

afterEach(cleanup);

/** `{ double value = 1; }` on the wire. */
const doubleValue = (n: number): Buffer => {
  const b = Buffer.alloc(9);
  b[0] = 0x09;
  b.writeDoubleLE(n, 1);
  return b;
};
const readDouble = (b: Buffer): number => (b.length === 0 ? 0 : b.readDoubleLE(1));

it('the .proto of a zod service says stream on the input of client streams and on both sides of bidi streams', () => {
  const text = protoFileOf(Conformance).text;
  expect(text).toContain('rpc Sum(stream SumRequest) returns (SumResponse);');
  expect(text).toContain('rpc RunningTotal(stream RunningTotalRequest) returns (stream RunningTotalResponse);');
  expect(text).toContain('rpc Countdown(CountdownRequest) returns (stream CountdownResponse);');
});

it('a stock grpc-js client streams to Sum and RunningTotal as the .proto says', async () => {
  const { url } = await serveGrpc();
  const stock = new grpc.Client(new URL(url).host, grpc.credentials.createInsecure());
  cleanups.push(() => stock.close());
  const id = (b: Buffer): Buffer => b;
  const sum = await new Promise<number>((resolve, reject) => {
    const call = stock.makeClientStreamRequest('/conformance.Conformance/Sum', id, id, (err, value) =>
      err ? reject(err) : resolve(readDouble(value as Buffer)),
    );
    for (const n of [1, 2, 3, 4]) call.write(doubleValue(n));
    call.end();
  });
  expect(sum).toBe(10);
  const totals = await new Promise<number[]>((resolve, reject) => {
    const call = stock.makeBidiStreamRequest('/conformance.Conformance/RunningTotal', id, id);
    const out: number[] = [];
    call.on('data', (b: Buffer) => out.push(readDouble(b)));
    call.on('error', reject);
    call.on('end', () => resolve(out));
    for (const n of [1, 2, 3]) call.write(doubleValue(n));
    call.end();
  });
  expect(totals).toEqual([1, 3, 6]);
  // And Interoffice's own client, over the same server.
  const channel = await connect(url, { transports: [grpcTransport()] });
  cleanups.push(() => channel.close());
  expect(await createClient(Conformance, channel).sum([5, 6])).toBe(11);
});
