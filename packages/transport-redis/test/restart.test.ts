/**
 * Redis itself restarts (kill -9 of a redis-server this test started): clients
 * and workers reconnect; calls in flight complete when Redis kept them, or
 * fail at once with UNAVAILABLE when it lost them — none waits for its deadline.
 */
import { connect, createClient, serve } from '@interoffice/core';
import { afterEach, describe, expect, it } from 'vitest';
import { redisTransport } from '../src/index.js';
import { Jobs, jobs, queueUrl, until, type Seen } from './helpers.js';
import { RedisServer } from './redis-server.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function world(args: string[] = []) {
  const redis = await RedisServer.start(args);
  cleanups.push(() => redis.stop());
  const url = queueUrl(redis.url);
  const seen: Seen = { runs: [], aborted: [] };
  const warnings: string[] = [];
  const transports = [redisTransport({ visibilityTimeoutMs: 1000, logger: { warn: (m) => void warnings.push(m), error() {} } })];
  const server = await serve(jobs(seen), { listen: [url], transports, logger: { warn() {}, error() {} } });
  cleanups.push(() => server.close({ graceMs: 0 }));
  const channel = await connect(url, { transports });
  cleanups.push(() => channel.close());
  return { redis, seen, warnings, calc: createClient(Jobs, channel) };
}

describe('Redis restarts', () => {
  it('without persistence: the lost call fails with UNAVAILABLE once Redis is back, calls while it is down fail at once, and both sides recover', async () => {
    const { redis, seen, warnings, calc } = await world();
    expect(await calc.add({ a: 1, b: 1 })).toBe(2);
    const inFlight = calc.work({ tag: 'lost', ms: 1500 }, { timeout: 30_000 });
    const outcome = inFlight.then(
      () => 'answered',
      (e: { code?: string }) => e.code,
    );
    await until(() => seen.runs.includes('lost'), 5000, 'the call started');
    await redis.kill();
    const whileDown = Date.now();
    await expect(calc.add({ a: 1, b: 2 })).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(Date.now() - whileDown).toBeLessThan(3000); // timing is the feature: refused while Redis is down, not held until it returns or the deadline (room for a loaded machine)
    await redis.restart();
    const back = Date.now();
    expect(await outcome).toBe('UNAVAILABLE');
    expect(Date.now() - back).toBeLessThan(10_000); // not at its 30 s deadline
    expect(await calc.add({ a: 20, b: 22 }, { timeout: 10_000 })).toBe(42);
    expect(await calc.work({ tag: 'after', ms: 1 }, { timeout: 10_000 })).toMatchObject({ tag: 'after' });
    // The worker said so, once each way.
    expect(warnings.filter((w) => /lost Redis at .*; reconnecting$/.test(w))).toHaveLength(1);
    expect(warnings.filter((w) => /is back on Redis at/.test(w))).toHaveLength(1);
  });

  it('with an append-only file: the call in flight completes after the restart', async () => {
    const { redis, seen, calc } = await world(['--appendonly', 'yes', '--appendfsync', 'always']);
    expect(await calc.add({ a: 1, b: 1 })).toBe(2);
    const inFlight = calc.work({ tag: 'kept', ms: 1500 }, { timeout: 30_000 });
    await until(() => seen.runs.includes('kept'), 5000, 'the call started');
    await redis.kill();
    await new Promise((r) => setTimeout(r, 300)); // not a condition: Redis stays down a while, as in a real restart
    await redis.restart();
    expect(await inFlight).toEqual({ tag: 'kept', worker: 'in-process' });
    expect(seen.runs.filter((r) => r === 'kept')).toHaveLength(1);
    expect(await calc.add({ a: 20, b: 22 }, { timeout: 10_000 })).toBe(42);
  });
});
