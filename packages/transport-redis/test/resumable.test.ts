/**
 * Resumable streams over Redis when the connection to it dies mid-stream:
 * Redis itself killed (-9) and restarted without persistence, which loses
 * the stream's reply list and the caller's marker, so the client fails the
 * call UNAVAILABLE and the stream resumes after the last item the loop got;
 * and the client's connections killed by Redis (CLIENT KILL), which the
 * transport survives by itself. Either way every item arrives once, in order.
 */
import { connect, createClient, serve } from '@interoffice/core';
import { Conformance, conformanceImpl, ServerState } from '@interoffice/core/conformance';
import { afterEach, describe, expect, it } from 'vitest';
import { redisTransport } from '../src/index.js';
import { queueUrl } from './helpers.js';
import { RedisServer, redisCli } from './redis-server.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const quiet = { warn: () => {}, error: () => {} };
const all = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

async function world() {
  const redis = await RedisServer.start();
  cleanups.push(() => redis.stop());
  const url = queueUrl(redis.url);
  const state = new ServerState();
  const transports = [redisTransport({ visibilityTimeoutMs: 1000, logger: quiet })];
  const server = await serve(conformanceImpl(state), { listen: [url], transports, logger: quiet });
  cleanups.push(() => server.close({ graceMs: 0 }));
  const channel = await connect(url, { transports });
  cleanups.push(() => channel.close());
  return { redis, state, client: createClient(Conformance, channel) };
}

describe('resumable streams over Redis', () => {
  it('Redis restarted without persistence mid-stream: the stream resumes after the last item the caller got', async () => {
    const { redis, state, client } = await world();
    const got: number[] = [];
    for await (const n of client.ticks({ count: 80, delayMs: 10 }, { timeout: 30_000 })) {
      got.push(n);
      if (n === 20) {
        await redis.kill();
        await redis.restart();
      }
    }
    expect(got).toEqual(all(80));
    expect(state.resumedAfter[0]).toBeUndefined();
    expect(state.resumedAfter.length).toBeGreaterThanOrEqual(2);
    expect(Number(state.resumedAfter.at(-1))).toBeGreaterThanOrEqual(20);
  });

  it("the client's connections killed by Redis mid-stream: the stream goes on, every item once", async () => {
    const { redis, client } = await world();
    const got: number[] = [];
    for await (const n of client.ticks({ count: 80, delayMs: 10 }, { timeout: 30_000 })) {
      got.push(n);
      if (n === 20 || n === 50) await redisCli(redis.port, 'CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'no');
    }
    expect(got).toEqual(all(80));
  });
});
