/**
 * Redis rows: a hand-written ioredis ping-pong (LPUSH request / BRPOP reply)
 * as the baseline, BullMQ (queue.add + job.waitUntilFinished), and the
 * Interoffice Redis transport. All use the Redis at REDIS_URL (default
 * 127.0.0.1:6379) and are left out when none answers.
 */
import { randomBytes } from 'node:crypto';
import { connect, serve } from '@interoffice/core';
import { redisAvailable, redisTransport } from '@interoffice/transport-redis';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Caller } from '../measure.js';
import { benchCaller, benchImpl } from '../service.js';
import type { Row, StartServer } from './row.js';

const base = (process.env.REDIS_URL ?? 'redis://127.0.0.1:6379').replace(/^(rediss?:\/\/[^/?]+).*$/, '$1');
const available = (): Promise<boolean> => redisAvailable(base);

/** Where the row's Redis is, and its queue's name (the URL's path). */
function target(url: URL): { host: string; port: number; name: string } {
  return { host: url.hostname, port: Number(url.port || 6379), name: decodeURIComponent(url.pathname.slice(1)) };
}

/** The baseline server: pop a request, push the sum (or the echoed string) to the reply list the request names. */
async function pingPongServer(url: URL): Promise<URL> {
  const { host, port, name } = target(url);
  const pop = new Redis({ host, port, maxRetriesPerRequest: null });
  const push = new Redis({ host, port });
  void (async () => {
    for (;;) {
      const popped = await pop.brpop(`${name}:requests`, 0);
      if (popped === null) continue;
      const m = JSON.parse(popped[1]) as { r: string; a: number; b: number; s?: string };
      void push.lpush(m.r, JSON.stringify(m.s ?? m.a + m.b));
    }
  })();
  return url;
}

/** The baseline client: LPUSH each request; one BRPOP loop takes the replies, in order. */
async function pingPongClient(url: URL): Promise<Caller> {
  const { host, port, name } = target(url);
  const cmd = new Redis({ host, port });
  const reader = new Redis({ host, port, maxRetriesPerRequest: null });
  const replies = `${name}:replies:${randomBytes(6).toString('hex')}`;
  const waiting: ((value: unknown) => void)[] = [];
  let open = true;
  void (async () => {
    while (open) {
      const popped = await reader.brpop(replies, 0).catch(() => null);
      if (popped !== null) waiting.shift()?.(JSON.parse(popped[1]));
    }
  })();
  let i = 0;
  const ask = (request: object): Promise<unknown> =>
    new Promise((resolve) => {
      waiting.push(resolve);
      void cmd.lpush(`${name}:requests`, JSON.stringify(request));
    });
  return {
    call: () => ask({ r: replies, a: ++i, b: 1 }),
    echo: (s) => ask({ r: replies, s }),
    close: async () => {
      open = false;
      reader.disconnect();
      cmd.disconnect();
    },
  };
}

async function bullmqServer(url: URL): Promise<URL> {
  const { host, port, name } = target(url);
  const worker = new Worker(name, async (job) => (job.data as { a: number; b: number }).a + (job.data as { b: number }).b, {
    connection: { host, port, maxRetriesPerRequest: null },
    concurrency: 64,
  });
  await worker.waitUntilReady();
  return url;
}

async function bullmqClient(url: URL): Promise<Caller> {
  const { host, port, name } = target(url);
  const queue = new Queue(name, { connection: { host, port } });
  const events = new QueueEvents(name, { connection: { host, port } });
  await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
  // Each waiting job listens on both: 64 in flight is not a leak.
  queue.setMaxListeners(1024);
  events.setMaxListeners(1024);
  let i = 0;
  return {
    call: async () => {
      // Finished jobs are removed a minute later (at once would race waitUntilFinished), the rest on close.
      const job = await queue.add('add', { a: ++i, b: 1 }, { removeOnComplete: { age: 60 }, removeOnFail: { age: 60 } });
      return job.waitUntilFinished(events);
    },
    close: async () => {
      await queue.obliterate({ force: true }).catch(() => {});
      await Promise.all([queue.close(), events.close()]);
    },
  };
}

async function interoffice(url: URL): Promise<Caller> {
  const channel = await connect(url, { transports: [redisTransport()] });
  return benchCaller(channel);
}

export const servers: Record<string, StartServer> = {
  'redis-ping-pong': pingPongServer,
  bullmq: bullmqServer,
  'interoffice-redis': async (url) => {
    const server = await serve(benchImpl, { listen: [url], transports: [redisTransport()] });
    return server.urls[0] as URL;
  },
};

const RAW = 'raw ioredis LPUSH/BRPOP ping-pong';
const OURS = 'interoffice redis';
const queue = `${base}/bench-${process.pid}-$N`;

export const rows: Row[] = [
  { name: RAW, server: 'redis-ping-pong', address: queue, available, client: pingPongClient },
  { name: OURS, baseline: RAW, server: 'interoffice-redis', address: queue, available, client: interoffice },
  // Divided by the Interoffice row: the issue asks for at least 4× BullMQ's throughput (a ratio ≤ 0.25 here).
  {
    name: `BullMQ add + waitUntilFinished (÷ ${OURS})`,
    baseline: OURS,
    server: 'bullmq',
    address: queue,
    curve: false,
    available,
    client: bullmqClient,
  },
];
