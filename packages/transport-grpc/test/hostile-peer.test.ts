/**
 * Malformed and oversized messages from another process (a Python grpcio peer sending raw
 * bytes) get a named status each, and the server keeps serving (issue #21's fault matrix).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { connect, createClient } from '@interoffice/core';
import { Conformance } from '@interoffice/core/conformance';
import { afterEach, expect, it } from 'vitest';
import { grpcTransport } from '../src/index.js';
import { cleanup, cleanups, serveGrpc } from './helpers.js';

afterEach(cleanup);

const run = promisify(execFile);
const limit = 64 * 1024;

it('bytes that are not the message, and a message over maxFrameBytes, are refused by name; the server keeps serving', async () => {
  const { url } = await serveGrpc({ maxFrameBytes: limit });
  const peer = new URL('./fixtures/hostile_peer.py', import.meta.url).pathname;
  const { stdout } = await run('/usr/bin/python3', [peer, new URL(url).host, String(limit)], { timeout: 30_000 });
  const seen = stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { case: string; code: string; details?: string; value?: number });
  expect(seen.map((s) => [s.case, s.code])).toEqual([
    ['garbage', 'INVALID_ARGUMENT'],
    ['wrong wire type', 'INVALID_ARGUMENT'],
    ['oversized', 'RESOURCE_EXHAUSTED'],
    ['valid', 'OK'],
  ]);
  expect(seen[3]?.value).toBe(7);
  expect(seen[2]?.details).toMatch(/larger than max|exceeds|too large/i);
  // And a typed client, after all of it.
  const channel = await connect(url, { transports: [grpcTransport()] });
  cleanups.push(() => channel.close());
  expect(await createClient(Conformance, channel).add({ a: 40, b: 2 })).toBe(42);
});
