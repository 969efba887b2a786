/**
 * Stock grpc-js peers on both sides: every canonical code crosses as its gRPC
 * status both ways, a service's own error class travels in a trailer that
 * other peers may ignore, and metadata crosses as gRPC metadata.
 */
import { connect, createClient, defineService, grpcStatus, implement, RpcError, unary, type Code } from '@interoffice/core';
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { grpcTransport } from '../src/index.js';
import { cleanup, cleanups, quiet, rawClient, serveGrpc } from './helpers.js';

afterEach(cleanup);

class Teapot extends RpcError {
  constructor() {
    super('FAILED_PRECONDITION', 'I am a teapot', { details: { brew: 'earl grey' } });
  }
}

const Codes = defineService(
  'interop.Codes',
  {
    fail: unary({ input: z.object({ code: z.string() }), output: z.string() }),
    teapot: unary({ input: z.object({}), output: z.string() }),
    echoMeta: unary({ input: z.object({}), output: z.record(z.string(), z.string()) }),
  },
  { errors: [Teapot] },
);
const codesImpl = implement(Codes, {
  fail: ({ code }) => {
    throw new RpcError(code as Code, `failed with ${code}`);
  },
  teapot: () => {
    throw new Teapot();
  },
  echoMeta: (_input, ctx) => {
    Object.assign(ctx.responseMeta, { 'x-back': 'ünïcode ✓', 'x-bin': Buffer.from([0, 1, 255]).toString('base64') });
    return { ...ctx.meta };
  },
});
const codes = Object.keys(grpcStatus) as Code[];

describe('an Interoffice server, to a stock grpc-js client', () => {
  it('answers each canonical code with its gRPC status and message', async () => {
    const { url } = await serveGrpc({}, codesImpl);
    const raw = rawClient(url);
    for (const code of codes) {
      const text = Buffer.from(code);
      const request = Buffer.concat([Buffer.from([0x0a, text.length]), text]); // FailRequest { code }
      const { error } = await raw.unary('/interop.Codes/Fail', request);
      expect([error?.code, error?.details]).toEqual([grpcStatus[code], `failed with ${code}`]);
    }
  });

  it('sends a declared error’s name and details as JSON in the interoffice-error-bin trailer', async () => {
    const { url } = await serveGrpc({}, codesImpl);
    const { error } = await rawClient(url).unary('/interop.Codes/Teapot', new Uint8Array());
    expect(error?.code).toBe(grpc.status.FAILED_PRECONDITION);
    const trailer = error?.metadata.get('interoffice-error-bin')[0] as Buffer;
    expect(JSON.parse(trailer.toString())).toEqual({ name: 'Teapot', details: { brew: 'earl grey' } });
  });

  it('answers bytes that are not the request message with INVALID_ARGUMENT, and keeps serving', async () => {
    const { url } = await serveGrpc();
    const raw = rawClient(url);
    const bad = await raw.unary('/conformance.Conformance/Add', Buffer.from([0xff, 0xff, 0xff, 0xff]));
    expect(bad.error?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(bad.error?.details).toMatch(/not a conformance.AddRequest/);
    const wrongType = await raw.unary('/conformance.Conformance/Add', Buffer.from([0x0a, 0x03, 0x61, 0x62, 0x63])); // a as a string
    expect(wrongType.error?.code).toBe(grpc.status.INVALID_ARGUMENT);
    const ok = await raw.unary(
      '/conformance.Conformance/Add',
      Buffer.from([0x09, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 0x11, 0, 0, 0, 0, 0, 0, 0, 0x40]),
    );
    expect(ok.value?.toString('hex')).toBe('090000000000000840'); // DoubleValue 3
  });

  it('answers an unknown method with UNIMPLEMENTED', async () => {
    const { url } = await serveGrpc();
    expect((await rawClient(url).unary('/conformance.Conformance/Nope', new Uint8Array())).error?.code).toBe(
      grpc.status.UNIMPLEMENTED,
    );
  });
});

describe('an Interoffice client, to a stock grpc-js server', () => {
  async function stockServer(handler: grpc.handleUnaryCall<Buffer, Buffer>): Promise<string> {
    const server = new grpc.Server();
    const id = (b: Buffer): Buffer => b;
    for (const m of ['Fail', 'Teapot', 'EchoMeta']) server.register(`/interop.Codes/${m}`, handler, id, id, 'unary');
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
    );
    cleanups.push(() => server.forceShutdown());
    return `grpc://127.0.0.1:${port}`;
  }

  async function clientOf(url: string) {
    const channel = await connect(url, { transports: [grpcTransport({ logger: quiet })] });
    cleanups.push(() => channel.close());
    return createClient(Codes, channel);
  }

  it('reads each gRPC status as its canonical code', async () => {
    let status = 0;
    const url = await stockServer((_call, callback) => callback({ code: status, details: `status ${status}` }));
    const client = await clientOf(url);
    for (const code of codes) {
      status = grpcStatus[code];
      const e = await client.fail({ code }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(RpcError);
      expect([(e as RpcError).code, (e as RpcError).message]).toEqual([code, `status ${status}`]);
    }
    status = 99; // not a status gRPC defines
    expect(await client.fail({ code: 'x' }).catch((x: RpcError) => x.code)).toBe('UNKNOWN');
  });

  it('rebuilds a declared error class from the trailer, and ignores a malformed one', async () => {
    let trailer = Buffer.from(JSON.stringify({ name: 'Teapot', details: { brew: 'assam' } }));
    const url = await stockServer((_call, callback) => {
      const metadata = new grpc.Metadata();
      metadata.set('interoffice-error-bin', trailer);
      callback({ code: grpc.status.FAILED_PRECONDITION, details: 'no', metadata });
    });
    const client = await clientOf(url);
    const e = await client.teapot({}).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(Teapot);
    expect((e as Teapot).details).toEqual({ brew: 'assam' });
    trailer = Buffer.from('{not json');
    const plain = (await client.teapot({}).catch((x: unknown) => x)) as RpcError;
    expect([plain.code, plain.name, plain.meta]).toEqual(['FAILED_PRECONDITION', 'RpcError', {}]);
  });
});

describe('metadata', () => {
  it('crosses both ways: text, non-ASCII text and binary values', async () => {
    const { url } = await serveGrpc({}, codesImpl);
    const channel = await connect(url, { transports: [grpcTransport({ logger: quiet })] });
    cleanups.push(() => channel.close());
    let back: Record<string, string> = {};
    const seen = await createClient(Codes, channel).echoMeta(
      {},
      {
        meta: { 'x-plain': 'hello', 'x-text': 'zażółć 🐢', 'x-data-bin': Buffer.from([1, 2, 3]).toString('base64') },
        onResponseMeta: (m) => (back = m),
      },
    );
    expect(seen).toMatchObject({ 'x-plain': 'hello', 'x-text': 'zażółć 🐢', 'x-data-bin': 'AQID' });
    expect(Object.keys(seen).filter((k) => k.startsWith('grpc-') || k === 'content-type')).toEqual([]);
    expect(back).toEqual({ 'x-back': 'ünïcode ✓', 'x-bin': 'AAH/' });
  });

  it('is what a stock client sends and reads: non-ASCII text as UTF-8 under <key>-utf8-bin', async () => {
    const { url } = await serveGrpc({}, codesImpl);
    const md = new grpc.Metadata();
    md.set('x-text-utf8-bin', Buffer.from('żółw'));
    md.set('x-plain', 'plain');
    const { value, trailers } = await rawClient(url).unary('/interop.Codes/EchoMeta', new Uint8Array(), md);
    expect(value?.toString()).toContain('żółw'); // inside the MetaResponse map
    expect(trailers?.get('x-back-utf8-bin')[0]?.toString()).toBe('ünïcode ✓');
  });

  it('refuses a key gRPC cannot carry, naming it', async () => {
    const { url } = await serveGrpc({}, codesImpl);
    const channel = await connect(url, { transports: [grpcTransport({ logger: quiet })] });
    cleanups.push(() => channel.close());
    const e = await createClient(Codes, channel)
      .echoMeta({}, { meta: { 'bad key!': 'x' } })
      .catch((x: RpcError) => x);
    expect([e.code, e.message]).toEqual(['INVALID_ARGUMENT', expect.stringContaining('"bad key!"')]);
  });
});
