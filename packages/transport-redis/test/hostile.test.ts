/**
 * What a hostile peer with access to the queue did to workers (issue #20),
 * against a real Redis, and what holds instead.
 */
import { connect, createClient, serve } from '@interoffice/core';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { seededRandom } from '@interoffice/core/conformance';
import { GROUP, keysFor, DEFAULT_KEY_PREFIX, redisTransport } from '../src/index.js';
import { Jobs, jobs, queueUrl, redisUrl, until, type Seen } from './helpers.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const quiet = { warn() {}, error() {} };

async function worker(url: string, seen: Seen, options: object = {}) {
  const server = await serve(jobs(seen), {
    listen: [url],
    transports: [redisTransport({ concurrency: 8, ...options })],
    logger: quiet,
  });
  cleanups.push(() => server.close({ graceMs: 0 }));
  return server;
}

async function client(url: string) {
  const channel = await connect(url, { transports: [redisTransport()] });
  cleanups.push(() => channel.close());
  return createClient(Jobs, channel);
}

function redis(): Redis {
  const r = new Redis(redisUrl);
  cleanups.push(() => r.quit());
  return r;
}

describe('#20.2: entries the worker cannot match to an answer', () => {
  it('frames with two ids, and entries that are not requests, never hold a slot: the worker and its successor keep serving', async () => {
    const url = queueUrl();
    const keys = keysFor(DEFAULT_KEY_PREFIX, new URL(url).pathname.slice(1));
    const r = redis();
    const seen: Seen = { runs: [], aborted: [] };
    const first = await worker(url, seen);
    // More hostile entries than slots (concurrency 8), each of a kind that used to be held forever:
    // two ids (JSON.parse keeps the last; the transport read the first), no timeout member, and junk.
    const hostile = [
      ...Array.from(
        { length: 40 },
        (_, i) => `{"jsonrpc":"2.0","id":${i},"method":"work","params":{"tag":"t${i}","ms":1},"id":${i + 1000}}`,
      ),
      ...Array.from({ length: 10 }, () => '{"jsonrpc":"2.0","id":'),
      ...Array.from({ length: 10 }, (_, i) => `[{"jsonrpc":"2.0","id":"a${i}","method":"add","params":[1,2],"id":"b${i}"}]`),
    ];
    for (const f of hostile) await r.xadd(keys.requests, '*', 'c', 'attacker', 'f', f);
    const calc = await client(url);
    expect(await calc.add({ a: 2, b: 5 }, { timeout: 5000 })).toBe(7);
    // Every hostile entry was answered and acknowledged: nothing is left pending.
    await until(async () => ((await r.xpending(keys.requests, GROUP)) as [number])[0] === 0, 5000, 'no entry pending');
    const answers = (await r.lrange(keys.replies('attacker'), 0, -1)).map((t) => JSON.parse(t) as { id: unknown });
    expect(
      answers.filter((a) => typeof a === 'object' && !Array.isArray(a) && typeof a.id === 'number' && a.id >= 1000),
    ).toHaveLength(40);
    await first.close({ graceMs: 0 });
    // A worker started after inherits nothing stuck.
    await worker(url, seen);
    expect(await calc.add({ a: 3, b: 4 }, { timeout: 5000 })).toBe(7);
  });
});

describe('fuzzing the entries a worker reads (seeded; bounded by count and time)', () => {
  it('junk in any field of an entry never stops the worker, and nothing is left pending', async () => {
    const url = queueUrl();
    const keys = keysFor(DEFAULT_KEY_PREFIX, new URL(url).pathname.slice(1));
    const r = redis();
    await worker(url, { runs: [], aborted: [] });
    const calc = await client(url);
    const next = seededRandom(20_204);
    const valid = '{"jsonrpc":"2.0","id":1,"method":"add","params":{"a":1,"b":2},"timeout":5000}';
    const frames = [
      () => valid.slice(0, next(valid.length)),
      () => valid.replace('"id":1', `"id":${next(1000)},"id":"${next(1000)}"`),
      () => `[${valid},${valid}]`,
      () => '['.repeat(next(1000)),
      () => Buffer.from(Array.from({ length: next(64) }, () => next(256))).toString('latin1'),
      () => valid.replace('"add"', '"rpc.cancel"'),
      () => valid.replace('5000', String(-next(10))),
    ];
    const clients = ['fuzz', '', 'bad client id!', 'x'.repeat(200)];
    const started = Date.now();
    let sent = 0;
    while (sent < 400 && Date.now() - started < 4000) {
      for (let i = 0; i < 20; i++, sent++) {
        const fields: string[] = [];
        if (next(5) > 0) fields.push('c', clients[next(clients.length)] as string);
        if (next(5) > 0) fields.push('f', (frames[next(frames.length)] as () => string)());
        if (next(4) === 0) fields.push('x', 'extra');
        if (fields.length === 0) fields.push('z', '');
        await r.xadd(keys.requests, '*', ...fields);
      }
      expect(await calc.add({ a: sent, b: 1 }, { timeout: 5000 })).toBe(sent + 1);
    }
    await until(async () => ((await r.xpending(keys.requests, GROUP)) as [number])[0] === 0, 5000, 'no entry pending');
    expect(sent).toBeGreaterThanOrEqual(100);
  });
});

describe('#20.10: a client that floods a queue', () => {
  /** p50 of `n` sequential calls, in ms. */
  async function p50(call: () => Promise<unknown>, n = 30): Promise<number> {
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      await call();
      times.push(performance.now() - t);
    }
    return times.sort((a, b) => a - b)[Math.floor(n / 2)] as number;
  }

  it('delays everyone behind it on its queue, but not the callers of another queue (the documented remedy)', async () => {
    const [flooded, other] = [queueUrl(), queueUrl()];
    const seen: Seen = { runs: [], aborted: [] };
    // One server, one worker per queue: each queue has its own workers and its own order.
    const server = await serve(jobs(seen), {
      listen: [flooded, other],
      transports: [redisTransport({ concurrency: 8 })],
      logger: quiet,
    });
    cleanups.push(() => server.close({ graceMs: 0 }));
    const victim = await client(other);
    const neighbour = await client(flooded);
    const unloaded = await p50(() => victim.add({ a: 1, b: 2 }));
    const flooder = await client(flooded);
    const flood = Array.from({ length: 4000 }, () =>
      flooder.work({ tag: 'flood', ms: 2 }, { timeout: 60_000 }).catch(() => undefined),
    );
    await until(() => seen.runs.length > 50, 5000, 'the flood is running');
    // On the flooded queue, a call waits behind the whole backlog ...
    const t = performance.now();
    await neighbour.add({ a: 1, b: 2 }, { timeout: 60_000 });
    const behind = performance.now() - t;
    // ... on another queue, served beside it, it does not.
    const loaded = await p50(() => victim.add({ a: 1, b: 2 }));
    expect(loaded).toBeLessThan(10 * Math.max(unloaded, 1));
    expect(behind).toBeGreaterThan(10 * loaded);
    await Promise.all(flood);
  }, 60_000);
});
