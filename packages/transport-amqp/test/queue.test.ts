/**
 * The work queue: competing workers, the prefetch, cancels through the control
 * exchange to a worker in another process, server streams, and what a request
 * looks like on the wire to a plain AMQP consumer.
 */
import { connect, createClient, serve } from '@interoffice/core';
import { connect as amqpConnect, type GetMessage } from 'amqplib';
import { afterEach, describe, expect, it } from 'vitest';
import { amqpTransport, CALLER, REPLY_TO, SENT_AT } from '../src/index.js';
import { Jobs, WorkerProcess, amqpUrl, jobs, queueUrl, until, type Seen } from './helpers.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function client(url: string) {
  const channel = await connect(url, { transports: [amqpTransport()] });
  cleanups.push(() => channel.close());
  return createClient(Jobs, channel);
}

/** An in-process worker; `running` counts its calls under way, `peak` the most at once. */
async function worker(url: string, label: string, prefetch: number) {
  const seen: Seen = { runs: [], aborted: [] };
  const stats = { running: 0, peak: 0, seen };
  const base = jobs(seen, label);
  const server = await serve(base, {
    listen: [url],
    transports: [amqpTransport({ prefetch })],
    middleware: [
      async (_call, next) => {
        stats.peak = Math.max(stats.peak, ++stats.running);
        try {
          return await next();
        } finally {
          stats.running--;
        }
      },
    ],
  });
  cleanups.push(() => server.close());
  return stats;
}

describe('competing workers', () => {
  it('share the queue, each taking no more at once than its prefetch; every call answered once', async () => {
    const url = queueUrl();
    const a = await worker(url, 'A', 1);
    const b = await worker(url, 'B', 2);
    const jobsClient = await client(url);
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => jobsClient.work({ tag: `w${i}`, ms: 100 })));
    expect(results.map((r) => r.tag)).toEqual(Array.from({ length: 12 }, (_, i) => `w${i}`));
    expect(a.seen.runs.length + b.seen.runs.length).toBe(12);
    expect(a.seen.runs.length).toBeGreaterThan(0);
    expect(b.seen.runs.length).toBeGreaterThan(a.seen.runs.length - 1);
    expect(a.peak).toBe(1);
    expect(b.peak).toBe(2);
  });
});

describe('cancels', () => {
  it('a cancel that overtakes its request (still waiting in the queue) keeps it from running', async () => {
    const url = queueUrl();
    const w = await worker(url, 'W', 1); // one call at a time: the next waits in the queue
    const jobsClient = await client(url);
    const first = jobsClient.work({ tag: 'first', ms: 600 });
    await until(() => w.seen.runs.includes('first'), 5000, 'first running');
    const ac = new AbortController();
    const queued = jobsClient.work({ tag: 'queued', ms: 1 }, { signal: ac.signal });
    const model = await amqpConnect(amqpUrl);
    cleanups.push(() => model.close());
    const ch = await model.createChannel();
    const name = new URL(url).pathname.slice(1);
    await until(async () => (await ch.checkQueue(name)).messageCount === 1, 5000, 'the request waiting in the queue');
    ac.abort(); // the cancel reaches the worker at once; the request only after first
    await expect(queued).rejects.toMatchObject({ code: 'CANCELLED' });
    const after = jobsClient.work({ tag: 'after', ms: 1 }); // queued behind it: FIFO
    expect(await first).toMatchObject({ tag: 'first' });
    expect(await after).toMatchObject({ tag: 'after' });
    expect(w.seen.runs).toEqual(['first', 'after']);
  });

  it('a client that closes: the worker aborts the calls it still runs for it', async () => {
    const url = queueUrl();
    const w = await worker(url, 'W', 4);
    const channel = await connect(url, { transports: [amqpTransport()] });
    const call = createClient(Jobs, channel).work({ tag: 'orphan', ms: 5000 });
    await until(() => w.seen.runs.includes('orphan'), 5000, 'orphan running');
    channel.close();
    await expect(call).rejects.toMatchObject({ code: expect.stringMatching(/CANCELLED|UNAVAILABLE/) });
    await until(() => w.seen.aborted.length === 1, 5000, 'the goodbye reaching the worker');
    expect(w.seen.aborted[0]?.tag).toBe('orphan');
  });
});

describe('across processes', () => {
  it('a cancel reaches the worker running the call, in another process; streams arrive in order', async () => {
    const url = queueUrl();
    const w = await WorkerProcess.start(url, 'W');
    cleanups.push(() => w.kill());
    const jobsClient = await client(url);
    const ac = new AbortController();
    const call = jobsClient.work({ tag: 'c1', ms: 5000 }, { signal: ac.signal });
    await until(() => w.saw('start c1').length === 1, 5000, 'c1 running');
    ac.abort();
    await expect(call).rejects.toMatchObject({ code: 'CANCELLED' });
    await until(() => w.saw('abort c1').length === 1, 5000, 'c1 aborted in the worker');
    expect(w.saw('abort c1')).toEqual(['abort c1 CANCELLED']);
    const items: number[] = [];
    for await (const n of jobsClient.countdown({ from: 4, delayMs: 5 })) items.push(n);
    expect(items).toEqual([4, 3, 2, 1, 0]);
  });
});

describe('on the wire', () => {
  it('a request is one JSON-RPC message with reply_to, correlation_id, expiration and headers (metadata, caller, time sent; without metadata, only the last two)', async () => {
    const url = queueUrl();
    const queue = new URL(url).pathname.slice(1);
    const model = await amqpConnect(amqpUrl);
    cleanups.push(() => model.close());
    const ch = await model.createChannel();
    await ch.assertQueue(queue, { durable: true });
    cleanups.push(() => ch.deleteQueue(queue).catch(() => {}));
    const jobsClient = await client(url);
    const take = async (): Promise<GetMessage> => {
      let m: GetMessage | false = false;
      await until(async () => (m = await ch.get(queue, { noAck: true })) !== false, 5000, 'the request in the queue');
      return m as unknown as GetMessage;
    };
    const answer = (m: GetMessage, result: number): void => {
      const { id } = JSON.parse(m.content.toString()) as { id: number };
      ch.publish('', m.properties.replyTo, Buffer.from(JSON.stringify({ jsonrpc: '2.0', id, result })), {
        correlationId: m.properties.correlationId,
      });
    };
    const call = jobsClient.add({ a: 1, b: 2 }, { timeout: 5000, meta: { 'x-trace': 'abc' } });
    const first = await take();
    const { properties, content } = first;
    expect(JSON.parse(content.toString())).toMatchObject({
      jsonrpc: '2.0',
      method: 'Jobs.add',
      params: { a: 1, b: 2 },
      meta: { 'x-trace': 'abc' },
    });
    expect(properties.replyTo).toMatch(new RegExp(`^${REPLY_TO.replaceAll('.', '\\.')}\\.`)); // the broker's own name for our channel
    expect(Number(properties.expiration)).toBeGreaterThan(4000);
    expect(Number(properties.expiration)).toBeLessThanOrEqual(5000);
    expect(properties.headers).toMatchObject({ 'x-trace': 'abc', [CALLER]: expect.any(String), [SENT_AT]: expect.any(Number) });
    // Answer as any RPC server does: to reply_to, with the correlation_id.
    answer(first, 42);
    expect(await call).toBe(42);
    // Calls without metadata share one headers object in the client: each still says when it was sent, and
    // carries no metadata of an earlier call.
    for (const n of [1, 2]) {
      const before = Date.now();
      const plain = jobsClient.add({ a: n, b: 0 });
      const m = await take();
      expect(m.properties.headers).toEqual({ [CALLER]: properties.headers?.[CALLER], [SENT_AT]: expect.any(Number) });
      expect(m.properties.headers?.[SENT_AT]).toBeGreaterThanOrEqual(before);
      answer(m, n);
      expect(await plain).toBe(n);
    }
  });
});
