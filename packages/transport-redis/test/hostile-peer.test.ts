/**
 * Request entries that are not JSON-RPC, and one over maxFrameBytes, added to the queue by
 * another process (a Python redis-py peer) get an error answer each, and the worker keeps
 * serving (issue #21's fault matrix).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { connect, createClient, serve } from '@interoffice/core';
import { afterEach, expect, it } from 'vitest';
import { redisTransport } from '../src/index.js';
import { Calculator, calculator, python, queueUrl } from './helpers.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const run = promisify(execFile);
const limit = 64 * 1024;
const quiet = { warn() {}, error() {} };

it('junk entries and an oversized one each get an error answer; the worker keeps serving', async () => {
  const url = queueUrl();
  const server = await serve(calculator(), {
    listen: [url],
    transports: [redisTransport({ maxFrameBytes: limit })],
    logger: quiet,
  });
  cleanups.push(() => server.close({ graceMs: 0 }));
  const peer = new URL('./fixtures/hostile_peer.py', import.meta.url).pathname;
  const { stdout } = await run(python, [peer, url, String(limit)], { timeout: 30_000 });
  const replies = stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { id?: unknown; result?: unknown; error?: { code: number; data?: { code?: string } } });
  const errors = replies.filter((r) => r.error).map((r) => [r.id, r.error?.code, r.error?.data?.code]);
  expect(errors).toEqual([
    [null, -32700, 'INVALID_ARGUMENT'],
    [null, -32700, 'INVALID_ARGUMENT'],
    [null, -32600, 'INVALID_ARGUMENT'],
    [2, -32600, 'INVALID_ARGUMENT'], // params must be an object or an array
    [5, -32602, 'INVALID_ARGUMENT'], // well-formed, but a is not a number: the schema refuses it
    [3, -32008, 'RESOURCE_EXHAUSTED'],
  ]);
  expect(replies.at(-1)).toMatchObject({ id: 4, result: 7 });
  // And a typed client, after all of it.
  const channel = await connect(url, { transports: [redisTransport()] });
  cleanups.push(() => channel.close());
  expect(await createClient(Calculator, channel).add({ a: 40, b: 2 })).toBe(42);
});
