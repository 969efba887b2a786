/**
 * Payloads over gRPC: unicode (protobuf strings are UTF-8, so a string with
 * a lone surrogate cannot cross: it is refused before it is sent), large
 * text and bytes, and the message size limit (maxFrameBytes) each way.
 */
import * as grpc from '@grpc/grpc-js';
import { connect, createClient, defineService, implement, unary } from '@interoffice/core';
import { Conformance } from '@interoffice/core/conformance';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { grpcTransport } from '../src/index.js';
import { cleanup, cleanups, quiet, serveGrpc } from './helpers.js';

afterEach(cleanup);

async function client(url: string, options = {}) {
  const channel = await connect(url, { transports: [grpcTransport({ logger: quiet, ...options })] });
  cleanups.push(() => channel.close());
  return createClient(Conformance, channel);
}

describe('unicode', () => {
  it('crosses as UTF-8: scripts, emoji, control characters, newlines', async () => {
    const { url } = await serveGrpc();
    const text = 'zażółć gęślą jaźń — 日本語 — עברית — 🐢🚀 — \u0000\u001f — \n\r\u2028';
    expect(await (await client(url)).echo({ text })).toBe(text);
  });

  it('refuses a string with a lone surrogate (not valid UTF-8) with INVALID_ARGUMENT, naming the field', async () => {
    const { url } = await serveGrpc();
    const calc = await client(url);
    await expect(calc.echo({ text: 'a\ud83db' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      details: { issues: [expect.objectContaining({ path: ['text'], message: expect.stringMatching(/invalid UTF8/) })] },
    });
    expect(await calc.echo({ text: 'a\ud83d\udc22b' })).toBe('a🐢b'); // the pair is fine
  });
});

describe('size', () => {
  it('carries 1 MiB of text and of bytes', async () => {
    const { url } = await serveGrpc();
    const calc = await client(url);
    const text = 'é'.repeat(512 * 1024);
    expect(await calc.echo({ text })).toBe(text);
    const data = new Uint8Array(1024 * 1024).map((_, i) => (i * 31) % 256);
    expect(Buffer.from(await calc.echoBytes({ data })).equals(Buffer.from(data))).toBe(true);
  });

  const MiB = 1024 * 1024;
  const Big = defineService('size.Big', {
    echo: unary({ input: z.object({ text: z.string() }), output: z.string() }),
    make: unary({ input: z.object({ bytes: z.number().int() }), output: z.string() }),
  });
  const bigImpl = implement(Big, { echo: ({ text }) => text, make: ({ bytes }) => 'x'.repeat(bytes) });
  // EchoRequest { text = 1 } and MakeRequest { bytes = 1 }, by hand, for a stock client.
  const varint = (n: number): Buffer => {
    const out: number[] = [];
    for (; n > 127; n = Math.floor(n / 128)) out.push((n % 128) | 128);
    return Buffer.from([...out, n]);
  };
  const echoRequest = (length: number): Buffer => Buffer.concat([Buffer.from([0x0a]), varint(length), Buffer.alloc(length, 'x')]);
  const makeRequest = (bytes: number): Buffer => Buffer.concat([Buffer.from([0x08]), varint(bytes)]);

  /** A stock grpc-js client with no size limits of its own: what it gets back is the server's doing. */
  function unlimited(url: string): (path: string, body: Buffer) => Promise<grpc.ServiceError | Buffer> {
    const options = { 'grpc.max_send_message_length': -1, 'grpc.max_receive_message_length': -1 };
    const client = new grpc.Client(new URL(url).host, grpc.credentials.createInsecure(), options);
    cleanups.push(() => client.close());
    const id = (b: Buffer): Buffer => b;
    return (path, body) =>
      new Promise((resolve) => client.makeUnaryRequest(path, id, id, body, (e, v) => resolve(e ?? (v as Buffer))));
  }

  it('carries an 8 MiB string both ways with the defaults', async () => {
    const { url } = await serveGrpc({}, bigImpl);
    const text = 'ż'.repeat(4 * MiB); // 8 MiB of UTF-8
    const channel = await connect(url, { transports: [grpcTransport({ logger: quiet })] });
    cleanups.push(() => channel.close());
    expect(await createClient(Big, channel).echo({ text })).toBe(text);
  });

  it('takes messages of up to 16 MiB (maxFrameBytes’ default), and refuses one byte more with RESOURCE_EXHAUSTED, each way, and keeps serving', async () => {
    const { url } = await serveGrpc({}, bigImpl);
    const channel = await connect(url, { transports: [grpcTransport({ logger: quiet })] });
    cleanups.push(() => channel.close());
    const big = createClient(Big, channel);
    // A string field of n bytes is 1 + 4 + n bytes of protobuf here (a tag, a 4-byte length).
    const fits = 16 * MiB - 5;
    expect(await big.echo({ text: 'x'.repeat(fits) })).toHaveLength(fits); // 16 MiB out and back
    // The client refuses to send one byte more...
    await expect(big.echo({ text: 'x'.repeat(fits + 1) })).rejects.toMatchObject({ code: 'RESOURCE_EXHAUSTED' });
    // ...and the server, to a client that does not hold back, refuses to read or write one.
    const raw = unlimited(url);
    expect(await raw('/size.Big/Echo', echoRequest(fits + 1))).toMatchObject({ code: grpc.status.RESOURCE_EXHAUSTED });
    expect(await raw('/size.Big/Make', makeRequest(fits + 1))).toMatchObject({ code: grpc.status.RESOURCE_EXHAUSTED });
    expect(((await raw('/size.Big/Make', makeRequest(fits))) as Buffer).length).toBe(16 * MiB);
    // A server allowed more sends it, and the client refuses to read it.
    const roomy = await serveGrpc({ maxFrameBytes: 32 * MiB }, bigImpl);
    const other = await connect(roomy.url, { transports: [grpcTransport({ logger: quiet })] });
    cleanups.push(() => other.close());
    await expect(createClient(Big, other).make({ bytes: fits + 1 })).rejects.toMatchObject({ code: 'RESOURCE_EXHAUSTED' });
    expect(await big.echo({ text: 'still serving' })).toBe('still serving');
    expect(await createClient(Big, other).echo({ text: 'still serving' })).toBe('still serving');
  });

  it('refuses a message over a smaller maxFrameBytes, on either side, and keeps serving', async () => {
    const { url } = await serveGrpc({ maxFrameBytes: 64 * 1024 }, bigImpl);
    const channel = await connect(url, { transports: [grpcTransport({ logger: quiet, maxFrameBytes: 64 * 1024 })] });
    cleanups.push(() => channel.close());
    const big = createClient(Big, channel);
    expect(await big.make({ bytes: 60 * 1024 })).toHaveLength(60 * 1024);
    await expect(big.make({ bytes: 70 * 1024 })).rejects.toMatchObject({ code: 'RESOURCE_EXHAUSTED' });
    await expect(big.echo({ text: 'y'.repeat(70 * 1024) })).rejects.toMatchObject({ code: 'RESOURCE_EXHAUSTED' });
    expect(await unlimited(url)('/size.Big/Echo', echoRequest(70 * 1024))).toMatchObject({
      code: grpc.status.RESOURCE_EXHAUSTED,
    });
    expect(await big.echo({ text: 'still serving' })).toBe('still serving');
  });

  it('still reads maxMessageBytes, the old name, with a warning; refuses both names with different values', async () => {
    const warnings: string[] = [];
    const logger = { warn: (m: string) => warnings.push(m), error: () => {} };
    const { url } = await serveGrpc({ maxMessageBytes: 64 * 1024, logger }, bigImpl);
    expect(warnings).toEqual(['grpcTransport: maxMessageBytes is deprecated and goes in 0.3; use maxFrameBytes']);
    expect(await unlimited(url)('/size.Big/Echo', echoRequest(70 * 1024))).toMatchObject({
      code: grpc.status.RESOURCE_EXHAUSTED,
    });
    expect(((await unlimited(url)('/size.Big/Echo', echoRequest(60 * 1024))) as Buffer).length).toBeGreaterThan(60 * 1024);
    expect(() => grpcTransport({ maxMessageBytes: 1024, maxFrameBytes: 2048 })).toThrow(/give only maxFrameBytes/);
    expect(() => grpcTransport({ maxFrameBytes: 10 })).toThrow(/grpcTransport: maxFrameBytes must be/);
  });
});
