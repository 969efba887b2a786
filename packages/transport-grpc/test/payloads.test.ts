/**
 * Payloads over gRPC: unicode (protobuf strings are UTF-8, so a string with
 * a lone surrogate cannot cross: it is refused before it is sent), large
 * text and bytes, and the message size limit both ways.
 */
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

  it('refuses a message over the limit with RESOURCE_EXHAUSTED, on either side, and keeps serving', async () => {
    const Big = defineService('size.Big', {
      make: unary({ input: z.object({ bytes: z.number().int() }), output: z.string() }),
      take: unary({ input: z.object({ text: z.string() }), output: z.number() }),
    });
    const { url } = await serveGrpc({ maxMessageBytes: 64 * 1024 }, implement(Big, { make: ({ bytes }) => 'x'.repeat(bytes), take: ({ text }) => text.length }));
    const channel = await connect(url, { transports: [grpcTransport({ logger: quiet, maxMessageBytes: 64 * 1024 })] });
    cleanups.push(() => channel.close());
    const big = createClient(Big, channel);
    expect(await big.make({ bytes: 60 * 1024 })).toHaveLength(60 * 1024);
    await expect(big.make({ bytes: 70 * 1024 })).rejects.toMatchObject({ code: 'RESOURCE_EXHAUSTED' });
    await expect(big.take({ text: 'y'.repeat(70 * 1024) })).rejects.toMatchObject({ code: 'RESOURCE_EXHAUSTED' });
    expect(await big.take({ text: 'still serving' })).toBe(13);
  });
});
