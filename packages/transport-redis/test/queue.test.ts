/** Calls through a queue: they wait for a worker, expire in the queue, and meet a length limit. */
import { connect, createClient, serve, type Server } from '@interoffice/core';
import { afterEach, describe, expect, it } from 'vitest';
import { redisTransport } from '../src/index.js';
import { inspect, Jobs, jobs, queueUrl, sleep, until, type Seen } from './helpers.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function client(url: string, options: Parameters<typeof redisTransport>[0] = {}) {
  const channel = await connect(url, { transports: [redisTransport(options)] });
  cleanups.push(() => channel.close());
  return createClient(Jobs, channel);
}

async function worker(url: string, seen: Seen, options: Parameters<typeof redisTransport>[0] = {}): Promise<Server> {
  const server = await serve(jobs(seen), { listen: [url], transports: [redisTransport(options)] });
  cleanups.push(() => server.close({ graceMs: 0 }));
  return server;
}

function look(url: string) {
  const view = inspect(url);
  cleanups.push(() => view.redis.quit());
  return view;
}

describe('queued calls outlive a missing server', () => {
  it('a call made while no worker runs is served when one starts', async () => {
    const url = queueUrl();
    const calc = await client(url);
    const seen: Seen = { runs: [], aborted: [] };
    let answered = false;
    const calls = Promise.all([calc.add({ a: 2, b: 5 }), calc.work({ tag: 'queued', ms: 10 })]).finally(() => (answered = true));
    const { redis, keys } = look(url);
    await until(async () => (await redis.xlen(keys.requests)) === 2, 5000, 'both calls queued');
    expect(answered).toBe(false);
    await worker(url, seen);
    expect(await calls).toEqual([7, { tag: 'queued', worker: 'in-process' }]);
    expect(seen.runs).toEqual(['add 2 5', 'queued']);
  });

  it('a deadline with no worker on the queue says so; with a worker that is merely slow, it does not', async () => {
    const url = queueUrl();
    const calc = await client(url);
    const service = new URL(url).pathname.slice(1);
    const alone = await calc.work({ tag: 'alone', ms: 1 }, { timeout: 300 }).catch((e: unknown) => e);
    expect(alone).toMatchObject({
      code: 'DEADLINE_EXCEEDED',
      message: `deadline exceeded waiting for the response: no worker was serving ${service} at ${url} when the request was queued (it waits for one)`,
    });
    await worker(url, { runs: [], aborted: [] });
    await sleep(1100); // the client looks for workers at most once a second, as it sends
    const slow = await calc.work({ tag: 'slow', ms: 5000 }, { timeout: 300 }).catch((e: unknown) => e);
    expect(slow).toMatchObject({ code: 'DEADLINE_EXCEEDED' });
    expect((slow as Error).message).not.toMatch(/no worker/);
  });

  it('a request whose deadline passed in the queue is dropped, never run; the caller gets DEADLINE_EXCEEDED', async () => {
    const url = queueUrl();
    const { redis, keys } = look(url);
    const calc = await client(url);
    const started = Date.now();
    await expect(calc.work({ tag: 'too late', ms: 1 }, { timeout: 300 })).rejects.toMatchObject({ code: 'DEADLINE_EXCEEDED' });
    expect(Date.now() - started).toBeLessThan(2000); // timing is the feature: at the 300 ms deadline, not when a worker turns up (room for a loaded machine)
    expect(await redis.xlen(keys.requests)).toBe(1); // still queued
    const seen: Seen = { runs: [], aborted: [] };
    await worker(url, seen);
    expect(await calc.work({ tag: 'in time', ms: 1 })).toMatchObject({ tag: 'in time' });
    await until(async () => (await redis.xlen(keys.requests)) === 0, 5000, 'the expired request dropped');
    expect(seen.runs).toEqual(['in time']);
  });
});

describe('backpressure', () => {
  it('a full queue refuses new calls with RESOURCE_EXHAUSTED instead of growing', async () => {
    const url = queueUrl();
    const { redis, keys } = look(url);
    const calc = await client(url, { maxQueueLength: 5 });
    const queued = Array.from({ length: 5 }, (_, i) => calc.add({ a: i, b: 1 }));
    await until(async () => (await redis.xlen(keys.requests)) === 5);
    const refused = calc.add({ a: 9, b: 9 });
    await expect(refused).rejects.toMatchObject({
      code: 'RESOURCE_EXHAUSTED',
      message: expect.stringMatching(/holds 5 requests/),
    });
    expect(await redis.xlen(keys.requests)).toBe(5);
    await worker(url, { runs: [], aborted: [] });
    expect(await Promise.all(queued)).toEqual([1, 2, 3, 4, 5]);
    expect(await calc.add({ a: 9, b: 9 })).toBe(18); // room again
  });

  it('lone calls, queued with plain XADD while the queue is short, still stop exactly at the limit', async () => {
    const url = queueUrl();
    const { redis, keys } = look(url);
    const calc = await client(url, { maxQueueLength: 4 });
    const queued: Promise<number>[] = [];
    for (let i = 0; i < 4; i++) {
      queued.push(calc.add({ a: i, b: 1 }));
      await until(async () => (await redis.xlen(keys.requests)) === i + 1); // one at a time: each its own run
    }
    await expect(calc.add({ a: 9, b: 9 })).rejects.toMatchObject({ code: 'RESOURCE_EXHAUSTED' });
    expect(await redis.xlen(keys.requests)).toBe(4);
    await worker(url, { runs: [], aborted: [] });
    expect(await Promise.all(queued)).toEqual([1, 2, 3, 4]);
  });
});

describe('whenNoWorkers: fail', () => {
  it('fails at once with UNAVAILABLE while no worker runs; waitForReady waits for one', async () => {
    const url = queueUrl();
    const transports = [redisTransport({ whenNoWorkers: 'fail' })];
    await expect(connect(url, { transports })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringMatching(/no worker/),
    });
    const seen: Seen = { runs: [], aborted: [] };
    const first = await worker(url, seen);
    const channel = await connect(url, { transports });
    cleanups.push(() => channel.close());
    const calc = createClient(Jobs, channel);
    expect(await calc.add({ a: 1, b: 1 })).toBe(2);
    await first.close({ graceMs: 0 });
    await expect(calc.add({ a: 1, b: 2 })).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    const waiting = calc.add({ a: 20, b: 22 }, { waitForReady: true, timeout: 10_000 });
    await sleep(300); // not a condition: the call finds no worker first (it must wait, not fail); shorter only weakens this
    await worker(url, seen);
    expect(await waiting).toBe(42);
  });
});

describe('key names', () => {
  it('live under the configured prefix, with the service as hash tag', async () => {
    const url = queueUrl();
    const service = decodeURIComponent(new URL(url).pathname.slice(1));
    const transports = [redisTransport({ keyPrefix: 'myapp:' })];
    const server = await serve(jobs({ runs: [], aborted: [] }), { listen: [url], transports });
    cleanups.push(() => server.close({ graceMs: 0 }));
    const channel = await connect(url, { transports });
    cleanups.push(() => channel.close());
    expect(await createClient(Jobs, channel).add({ a: 1, b: 2 })).toBe(3);
    const { redis } = look(url);
    expect(await redis.exists(`myapp:{${service}}:requests`, `myapp:{${service}}:workers`)).toBe(2);
    expect(await redis.exists(`interoffice:{${service}}:requests`)).toBe(0);
    expect(() => redisTransport({ keyPrefix: 'a{b}' })).toThrow(/braces/);
  });
});
