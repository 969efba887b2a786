/**
 * Keepalive over Redis: with `connect(url, { keepalive })`, a Redis that stops answering
 * (SIGSTOP, its connections left open) while a call waits is noticed within the configured
 * time — the call fails UNAVAILABLE saying why, not at its deadline — and once Redis runs
 * again (SIGCONT) the next call connects anew. A worker busy with a long call is no sign of
 * anything: Redis answers the pings, and the call is not cut short.
 */
import { connect, createClient, serve, type RpcError } from '@interoffice/core';
import { Conformance, conformanceImpl, ServerState } from '@interoffice/core/conformance';
import { afterEach, describe, expect, it } from 'vitest';
import { redisTransport } from '../src/index.js';
import { queueUrl } from './helpers.js';
import { RedisServer } from './redis-server.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const quiet = { warn: () => {}, error: () => {} };
const keepalive = { intervalMs: 200, timeoutMs: 400 };

async function world() {
  const redis = await RedisServer.start();
  cleanups.push(() => redis.stop());
  cleanups.push(() => redis.signal('SIGCONT')); // runs first: a test that fails mid-way leaves no stopped Redis
  const url = queueUrl(redis.url);
  const state = new ServerState();
  const transports = [redisTransport({ logger: quiet })];
  const server = await serve(conformanceImpl(state), { listen: [url], transports, logger: quiet });
  cleanups.push(() => server.close({ graceMs: 0 }));
  const channel = await connect(url, { transports, keepalive });
  cleanups.push(() => channel.close());
  return { redis, client: createClient(Conformance, channel) };
}

describe('keepalive over Redis', () => {
  it('a stopped Redis is noticed while a call waits; after SIGCONT the next call goes through', async () => {
    const { redis, client } = await world();
    expect(await client.add({ a: 1, b: 1 })).toBe(2);
    const waiting = client.sleep({ ms: 20_000 }, { timeout: 30_000 }).then(
      () => undefined,
      (e: RpcError) => e,
    );
    redis.signal('SIGSTOP');
    const stoppedAt = Date.now();
    const e = await waiting;
    // Silence for intervalMs (200), then a PING unanswered for timeoutMs (400): noticed in about 600 ms.
    expect(Date.now() - stoppedAt).toBeLessThan(5000); // not the call's 20 s (room for a loaded machine)
    expect(e?.code).toBe('UNAVAILABLE');
    expect(e?.message).toMatch(/no answer from the medium for \d+ ms, a keepalive ping included/);
    redis.signal('SIGCONT');
    expect(await client.add({ a: 20, b: 22 }, { timeout: 10_000, waitForReady: true })).toBe(42);
  });

  it('a long call on a worker that is busy is not cut short: Redis answers the pings', async () => {
    const { client } = await world();
    expect(await client.sleep({ ms: 1500 })).toBe('slept'); // seven keepalive periods without an answer from the worker
  });
});
