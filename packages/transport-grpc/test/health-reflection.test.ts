/**
 * What stock gRPC tools see: the standard health service, and server
 * reflection — which this package's own client also uses to call methods by
 * name (raw calls, the CLI).
 */
import { connect, defineService, implement, rawCall, RpcError, serve, unary } from '@interoffice/core';
import { Conformance, conformanceImpl, ServerState, waitFor } from '@interoffice/core/conformance';
import * as grpc from '@grpc/grpc-js';
import { fromBinary } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { grpcTransport, type GrpcChannel } from '../src/index.js';
import { decodeResponse, encodeRequest } from '../src/reflection/wire.js';
import { cleanup, cleanups, quiet, rawClient, serveGrpc, until } from './helpers.js';

afterEach(cleanup);

// HealthCheckRequest { string service = 1; } and HealthCheckResponse { ServingStatus status = 1; }, by hand.
const checkRequest = (service: string): Uint8Array =>
  Buffer.concat([Buffer.from([0x0a, Buffer.byteLength(service)]), Buffer.from(service)]);
const statusOf = (bytes: Buffer | undefined): number => (bytes !== undefined && bytes.length >= 2 ? (bytes[1] as number) : 0);
const SERVING = 1;
const NOT_SERVING = 2;

async function channelTo(url: string, options = {}): Promise<GrpcChannel> {
  const channel = (await connect(url, { transports: [grpcTransport({ logger: quiet, ...options })] })) as GrpcChannel;
  cleanups.push(() => channel.close());
  return channel;
}

describe('grpc.health.v1.Health', () => {
  it('answers SERVING for the server and each service, NOT_FOUND for others', async () => {
    const { url } = await serveGrpc();
    const raw = rawClient(url);
    expect(statusOf((await raw.unary('/grpc.health.v1.Health/Check', checkRequest(''))).value)).toBe(SERVING);
    expect(statusOf((await raw.unary('/grpc.health.v1.Health/Check', checkRequest('conformance.Conformance'))).value)).toBe(
      SERVING,
    );
    const unknown = await raw.unary('/grpc.health.v1.Health/Check', checkRequest('nope.Nope'));
    expect(unknown.error?.code).toBe(grpc.status.NOT_FOUND);
  });

  it('tells a watcher NOT_SERVING when the server closes', async () => {
    const { server, url } = await serveGrpc();
    const client = rawClient(url).client;
    const id = (b: Buffer): Buffer => b;
    const seen: number[] = [];
    const watch = client.makeServerStreamRequest(
      '/grpc.health.v1.Health/Watch',
      id,
      id,
      Buffer.from(checkRequest('')),
      new grpc.Metadata(),
    );
    const ended = new Promise<void>((resolve) => watch.on('status', () => resolve()));
    watch.on('data', (b: Buffer) => seen.push(statusOf(b)));
    watch.on('error', () => {});
    await waitFor(() => seen.length > 0);
    expect(seen).toEqual([SERVING]); // nothing after it: the stream is in order, and the last check sees it whole
    await server.close({ graceMs: 0 });
    await ended;
    expect(seen).toEqual([SERVING, NOT_SERVING]);
  });

  it('can be turned off', async () => {
    const { url } = await serveGrpc({ health: false });
    expect((await rawClient(url).unary('/grpc.health.v1.Health/Check', checkRequest(''))).error?.code).toBe(
      grpc.status.UNIMPLEMENTED,
    );
  });
});

describe('server reflection', () => {
  it('lists every service, with each method’s kind and messages', async () => {
    const Plain = defineService('Plain', { ping: unary({ input: z.object({}), output: z.string() }) });
    const { url } = await serveGrpc({}, [conformanceImpl(new ServerState()), implement(Plain, { ping: () => 'pong' })]);
    const r = await (await channelTo(url)).reflection();
    expect(r.services.map((s) => s.typeName).sort()).toEqual(['Plain', 'conformance.Conformance', 'grpc.health.v1.Health']);
    const countdown = r.methods.get('conformance.Conformance.Countdown');
    expect(countdown?.kind).toBe('serverStream');
    expect(countdown?.request.desc.fields.map((f) => f.name)).toEqual(['from', 'fail_at', 'delay_ms']);
    expect(r.methods.get('conformance.Conformance.Add')?.response.desc.typeName).toBe('conformance.AddResponse');
    // A service without a package is found too (its name has no leading dot).
    expect(await rawCall(await channelTo(url), 'ping', [])).toBe('pong');
    expect(
      Object.keys(Conformance.methods).every((m) => r.methods.has(`conformance.Conformance.${m[0]?.toUpperCase()}${m.slice(1)}`)),
    ).toBe(true);
  });

  it('speaks the protocol to a stock client: names as they are, files with their imports, NOT_FOUND for the unknown', async () => {
    // ping's input holds any JSON: its file imports google/protobuf/struct.proto.
    const Plain = defineService('Plain', { ping: unary({ input: z.object({ any: z.unknown() }), output: z.string() }) });
    const { url } = await serveGrpc({}, [conformanceImpl(new ServerState()), implement(Plain, { ping: () => 'pong' })]);
    const id = (b: Buffer): Buffer => b;
    const stream = rawClient(url).client.makeBidiStreamRequest(
      '/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo',
      id,
      id,
      new grpc.Metadata(),
    );
    const answers: ReturnType<typeof decodeResponse>[] = [];
    stream.on('data', (b: Buffer) => answers.push(decodeResponse(b)));
    const done = new Promise((resolve) => stream.on('status', resolve));
    stream.write(encodeRequest({ listServices: '*' }));
    stream.write(encodeRequest({ fileContainingSymbol: 'Plain.Ping' }));
    stream.write(encodeRequest({ fileContainingSymbol: 'nope.Nope' }));
    stream.end();
    await done;
    expect(answers[0]?.services?.sort()).toEqual(['Plain', 'conformance.Conformance', 'grpc.health.v1.Health']);
    const files = (answers[1]?.files ?? []).map((b) => fromBinary(FileDescriptorProtoSchema, b).name);
    expect(files).toEqual(['plain.proto', 'google/protobuf/struct.proto']);
    expect(answers[2]?.error?.code).toBe(grpc.status.NOT_FOUND);
  });

  it('lets a channel call by short or qualified name, positional or named, without a descriptor', async () => {
    const { url } = await serveGrpc();
    const channel = await channelTo(url);
    expect(await rawCall(channel, 'add', [2, 5])).toBe(7);
    expect(await rawCall(channel, 'conformance.Conformance.add', { a: 8, b: 5 })).toBe(13);
    expect(await rawCall(channel, 'echo', ['hi'])).toBe('hi');
    expect(await rawCall(channel, 'grpc.health.v1.Health.Check', {})).toEqual({ status: 'SERVING' });
    const e = await rawCall(channel, 'Check', {}).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(RpcError); // gRPC's own services answer only to their full names
    expect((e as RpcError).code).toBe('UNIMPLEMENTED');
  });

  it('learns of a method the server gained after the channel first asked', async () => {
    const Before = defineService('grow.Svc', { a: unary({ input: z.object({}), output: z.string() }) });
    const After = defineService('grow.Svc', {
      a: unary({ input: z.object({}), output: z.string() }),
      b: unary({ input: z.object({}), output: z.string() }),
    });
    const first = await serveGrpc({}, implement(Before, { a: () => 'a' }));
    const channel = await channelTo(first.url);
    expect(await rawCall(channel, 'a', [])).toBe('a');
    await first.server.close({ graceMs: 0 });
    const port = new URL(first.url).port;
    const second = await serve(implement(After, { a: () => 'a', b: () => 'b' }), {
      listen: [`grpc://127.0.0.1:${port}`],
      transports: [grpcTransport({ logger: quiet })],
      logger: quiet,
    });
    cleanups.push(() => second.close({ graceMs: 0 }));
    // The channel asks the server again at most once a second: until it has, b is unknown to it.
    const b = (): Promise<unknown> => rawCall(channel, 'b', [], { waitForReady: true, timeout: 5000 });
    await until(
      () =>
        b().then(
          () => true,
          () => false,
        ),
      10_000,
      'the channel to learn of b',
    );
    expect(await b()).toBe('b');
  });

  it('can be turned off: a stock reflection client gets UNIMPLEMENTED on v1 and v1alpha, and health still answers', async () => {
    const { url } = await serveGrpc({ reflection: false });
    const raw = rawClient(url);
    const id = (b: Buffer): Buffer => b;
    for (const version of ['v1', 'v1alpha']) {
      const stream = raw.client.makeBidiStreamRequest(
        `/grpc.reflection.${version}.ServerReflection/ServerReflectionInfo`,
        id,
        id,
        new grpc.Metadata(),
      );
      const answers: Buffer[] = [];
      stream.on('data', (b: Buffer) => answers.push(b));
      stream.on('error', () => {});
      const status = new Promise<grpc.StatusObject>((resolve) => stream.on('status', resolve));
      stream.write(encodeRequest({ listServices: '*' }));
      stream.end();
      expect((await status).code).toBe(grpc.status.UNIMPLEMENTED);
      expect(answers).toEqual([]);
    }
    expect(statusOf((await raw.unary('/grpc.health.v1.Health/Check', checkRequest(''))).value)).toBe(SERVING);
  });

  it('can be turned off, and then calls by name say why they cannot be made', async () => {
    const { url } = await serveGrpc({ reflection: false });
    const e = await rawCall(await channelTo(url), 'add', [1, 2]).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'UNIMPLEMENTED', message: expect.stringMatching(/offers no gRPC reflection/) });
  });
});
