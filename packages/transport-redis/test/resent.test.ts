/**
 * What a dropped connection can leave behind, and why none of it reaches a
 * caller twice or out of order:
 * - a worker's push sent again after its connection dropped before Redis's
 *   reply (ioredis resends commands in flight) — Redis had run the first;
 * - frames in a Redis that came back empty: pushes sent again, or items sent
 *   after ones the old Redis lost. A stream resumes after its last item
 *   instead (resumable.test.ts), so the client must not deliver these.
 */
import { rawConnection, RpcError } from '@interoffice/core';
import { afterEach, describe, expect, it } from 'vitest';
import { redisTransport } from '../src/index.js';
import { PUSH } from '../src/scripts.js';
import { inspect, queueUrl, until } from './helpers.js';
import { RedisServer } from './redis-server.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('a push sent again', () => {
  it('is not pushed twice: the started mark counts the items pushed, and keeps its TTL', async () => {
    const { redis, keys } = inspect(queueUrl());
    cleanups.push(() => redis.quit());
    PUSH.define(redis);
    const [replies, started] = [keys.replies('c1'), keys.started('1-0')];
    const push = (frame: string, mark: number, n: number) => PUSH.run(redis, [replies, started], [frame, 60_000, mark, n]);
    expect(await push('item 1', 5000, 1)).toBe(1);
    expect(await push('item 1', 5000, 1)).toBe(1); // resent: not pushed, the list's length as it is
    expect(await push('item 2', 0, 2)).toBe(2);
    expect(await push('item 2', 0, 2)).toBe(2);
    expect(await push('item 3', 0, 3)).toBe(3);
    expect(await redis.lrange(replies, 0, -1)).toEqual(['item 1', 'item 2', 'item 3']);
    expect(await redis.get(started)).toBe('3');
    const ttl = await redis.pttl(started);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(5000);
    await redis.del(replies, started);
  });

  it('without a started mark (resultTtlMs 0) every push goes out, and no mark is left behind', async () => {
    const { redis, keys } = inspect(queueUrl());
    cleanups.push(() => redis.quit());
    PUSH.define(redis);
    const [replies, started] = [keys.replies('c2'), keys.started('2-0')];
    for (const n of [1, 2]) await PUSH.run(redis, [replies, started], [`item ${n}`, 60_000, 0, n]);
    expect(await redis.lrange(replies, 0, -1)).toEqual(['item 1', 'item 2']);
    expect(await redis.exists(started)).toBe(0);
    await redis.del(replies);
  });
});

/**
 * A client on a Redis of its own (no worker: its reader is the one connection blocked in BLMPOP),
 * with what it receives, and the one step that cuts its reader off as `cut` prepares it.
 */
async function loneClient() {
  const server = await RedisServer.start();
  cleanups.push(() => server.stop());
  const url = queueUrl(server.url);
  const seen = { frames: [] as string[], closed: 'open' as unknown };
  const handler = {
    frame: (f: string) => void seen.frames.push(f),
    oversized() {},
    drain() {},
    closed: (e?: unknown) => void (seen.closed = e),
  };
  const conn = await rawConnection(redisTransport(), new URL(url), handler);
  cleanups.push(() => conn.close());
  const { redis, keys } = inspect(url);
  cleanups.push(() => redis.quit());
  const [marker] = await redis.keys(keys.client('*'));
  expect(marker).toBeDefined();
  const replies = keys.replies((marker as string).slice(keys.client('').length));
  const readerId = String(await redis.client('LIST'))
    .split('\n')
    .find((line) => / cmd=blmpop /.test(line))
    ?.match(/^id=(\d+) /)?.[1];
  expect(readerId).toBeDefined();
  /** In one MULTI, so the reader cannot take the frame before it is cut off: `before` runs first. */
  const cutOff = async (frame: string, before: (m: ReturnType<typeof redis.multi>) => void = () => {}) => {
    const m = redis.multi();
    before(m);
    await m
      .client('KILL', 'ID', readerId as string)
      .rpush(replies, frame)
      .exec();
  };
  return { seen, marker: marker as string, cutOff };
}

describe('frames read after the reader reconnects', () => {
  it('reach the caller only if Redis kept the client: a Redis that lost it closes the connection UNAVAILABLE', async () => {
    const { seen, marker, cutOff } = await loneClient();
    // As a Redis that came back empty would look to the reader when it reconnects: no marker, and a
    // frame a worker pushed there.
    const answer = JSON.stringify({ jsonrpc: '2.0', id: 1, result: 'from a Redis that lost the client' });
    await cutOff(answer, (m) => m.del(marker));
    await until(() => seen.closed !== 'open', 10_000, 'the connection closed');
    expect(seen.closed).toBeInstanceOf(RpcError);
    expect(seen.closed).toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringMatching(/lost this client's queued requests/),
    });
    expect(seen.frames).toEqual([]);
  });

  it('are delivered when Redis kept the client (a dropped connection, not a lost Redis)', async () => {
    const { seen, cutOff } = await loneClient();
    const answer = JSON.stringify({ jsonrpc: '2.0', id: 1, result: 'kept' });
    await cutOff(answer);
    await until(() => seen.frames.length > 0, 10_000, 'the frame arrived');
    expect(seen.frames).toEqual([answer]);
    expect(seen.closed).toBe('open');
  });
});
