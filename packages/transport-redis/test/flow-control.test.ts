/**
 * Flow control of a server stream over Redis: the client asks for credit (64 items) and renews it
 * on the control channel as its caller takes items, so a slow consumer holds back the worker's
 * generator and the caller's reply list, not just the worker's pushes.
 */
import { connect, createClient, defineService, serverStream } from '@interoffice/core';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { redisTransport } from '../src/index.js';
import { WorkerProcess as Process } from '../../core/test/shared/message-peers.js';
import { inspect, queueUrl, sleep, until } from './helpers.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The service fixtures/feed-worker.mjs serves (it defines the same one). */
const Feed = defineService('Feed', {
  numbers: serverStream({ input: z.object({ count: z.number().int() }), output: z.number() }),
});
const feedWorker = new URL('./fixtures/feed-worker.mjs', import.meta.url).pathname;

/**
 * The credit core's client asks for: the worker's generator yields at most this many items beyond
 * those its caller has taken, and the reply list holds no more than that.
 */
const WINDOW = 64;
/**
 * A million small items: 25 s on this 2-CPU machine when idle, up to 40 s while other suites run
 * beside it (some 25,000 to 50,000 items/s through Redis: the worker makes one socket write per item).
 */
const COUNT = 1_000_000;
/** The slow consumer: 1,000 items/s for this long, then as fast as it can. */
const SLOW_MS = 3000;

/** The worker's latest `produced <n>` line (0 before any). */
function produced(w: Process): number {
  for (let i = w.lines.length - 1; i >= 0; i--) {
    const line = w.lines[i] as string;
    if (line.startsWith('produced ')) return Number(line.slice(9));
  }
  return 0;
}

describe('flow control over Redis', () => {
  it(`a consumer of ${COUNT} items reading 1,000/s holds the worker and the reply list to ${WINDOW} items ahead; then every item arrives once, in order`, async () => {
    const url = queueUrl();
    const w = await Process.spawn(feedWorker, [url], 'feed');
    cleanups.push(() => w.kill());
    const channel = await connect(url, { transports: [redisTransport()] });
    cleanups.push(() => channel.close());
    const { redis, keys } = inspect(url);
    cleanups.push(() => redis.quit());

    const it = createClient(Feed, channel).numbers({ count: COUNT }, { timeout: 120_000 })[Symbol.asyncIterator]();
    let taken = 0;
    const take = async (): Promise<void> => {
      const r = await it.next();
      // Once, in order: item k is k.
      if (r.done === true || r.value !== taken) expect({ done: r.done, value: r.value }).toEqual({ done: false, value: taken });
      taken++;
    };
    await take();
    await until(() => w.saw('caller ').length === 1, 5000, 'the stream started');
    const replies = keys.replies((w.saw('caller ')[0] as string).slice(7));

    // Watch both bounds for the whole stream. A `produced` line may lag the worker, never lead it,
    // and `taken` only grows: so `produced - taken`, read in that order, is never overstated.
    let maxLength = 0;
    let maxAhead = 0;
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        maxLength = Math.max(maxLength, await redis.llen(replies));
        maxAhead = Math.max(maxAhead, produced(w) - taken);
        await sleep(5); // sampling rate, not a wait for a condition
      }
    })();
    cleanups.push(async () => {
      watching = false; // before Redis is let go, should the test fail mid-stream
      await watcher;
    });

    // The slow consumer: one item per millisecond, by the clock.
    const start = performance.now();
    for (let elapsed = 0; elapsed < SLOW_MS; elapsed = performance.now() - start) {
      while (taken < elapsed) await take();
      await sleep(10); // the consumer's pace, not a wait for a condition
    }
    const slowTaken = taken;
    const slowProduced = produced(w);
    expect(slowTaken).toBeGreaterThan(SLOW_MS * 0.9); // the consumer kept its pace
    expect(slowProduced).toBeLessThanOrEqual(slowTaken + WINDOW + 1); // + the item that waits for credit

    // Then as fast as it can: the rest arrives, once each and in order, and the stream ends.
    while (taken < COUNT) await take();
    expect(await it.next()).toEqual({ done: true, value: undefined });
    watching = false;
    await watcher;
    await until(() => produced(w) === COUNT, 5000, 'the worker reported its last item');

    console.info(
      `flow control: ${COUNT} items; after ${SLOW_MS} ms at 1,000/s: ${slowTaken} taken, ${slowProduced} produced; ` +
        `over the whole stream: reply list at most ${maxLength} long, worker at most ${maxAhead} items ahead`,
    );
    expect(maxLength).toBeLessThanOrEqual(WINDOW);
    expect(maxAhead).toBeLessThanOrEqual(WINDOW + 1); // + the item that waits for credit
    expect(await redis.exists(replies)).toBe(0); // nothing left behind
  }, 90_000);

  it('a peer that follows the wire format: asks for 3 items ahead, and grants on the control channel as it takes them', async () => {
    const url = queueUrl();
    const w = await Process.spawn(feedWorker, [url], 'feed');
    cleanups.push(() => w.kill());
    const { redis, keys } = inspect(url);
    cleanups.push(() => redis.quit());
    const client = 'wire-peer';
    const replies = keys.replies(client);
    const request = { jsonrpc: '2.0', id: 1, method: 'Feed.numbers', params: { count: 10 }, credit: 3 };
    await redis.xadd(keys.requests, '*', 'c', client, 'f', JSON.stringify(request));
    const frames: { item?: unknown; result?: unknown }[] = [];
    let longest = 0;
    await until(
      async () => {
        longest = Math.max(longest, await redis.llen(replies));
        const popped = ((await redis.lpop(replies, 100)) ?? []).map((f) => JSON.parse(f) as (typeof frames)[number]);
        frames.push(...popped);
        const taken = popped.filter((f) => 'item' in f).length;
        if (taken > 0) await redis.publish(keys.control, JSON.stringify({ client, credit: 1, n: taken }));
        return frames.some((f) => 'result' in f);
      },
      5000,
      'the whole stream',
    );
    expect(frames).toEqual([
      ...Array.from({ length: 10 }, (_, i) => ({ jsonrpc: '2.0', id: 1, item: i })),
      { jsonrpc: '2.0', id: 1, result: null },
    ]);
    expect(longest).toBeLessThanOrEqual(3);
  });
});
