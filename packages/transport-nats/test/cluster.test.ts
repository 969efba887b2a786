/**
 * Beyond one host: three nats-server processes on loopback ports with routes
 * between them, a JetStream work queue replicated on all three (R3), and one
 * server killed with kill -9 under load: every call is answered, with the
 * right result, exactly once.
 */
import { connect, createClient, implement, serve } from '@interoffice/core';
import { afterEach, expect, it } from 'vitest';
import { natsTransport } from '../src/index.js';
import { Jobs, subjectUrl, until } from './helpers.js';
import { type NatsServer, startCluster } from './nats-server.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

it('R3 work queue: kill -9 of one of three servers under load; every call answered once', { timeout: 150_000 }, async () => {
  const servers = await startCluster(3);
  for (const s of servers) cleanups.push(() => s.stop());
  const [a, b, c] = servers as [NatsServer, NatsServer, NatsServer];
  const path = new URL(subjectUrl()).pathname;
  const at = (s: NatsServer): string => `${s.url}${path}?mode=durable`;
  const transports = [natsTransport({ replicas: 3, ackWaitMs: 2000 })];
  const runs = new Map<number, number>();
  const impl = implement(Jobs, {
    add: ({ a: x, b: y }) => {
      runs.set(x, (runs.get(x) ?? 0) + 1);
      return x + y;
    },
    work: ({ tag }) => ({ tag, worker: '' }),
    countdown: async function* () {},
  });
  // The first worker makes the R3 stream once the cluster has a JetStream leader.
  let first: Awaited<ReturnType<typeof serve>> | undefined;
  await until(
    async () => (first = await serve(impl, { listen: [at(b)], transports }).catch(() => undefined)) !== undefined,
    30_000,
    'an R3 stream',
  );
  cleanups.push(() => first?.close({ graceMs: 0 }));
  const second = await serve(impl, { listen: [at(c)], transports });
  cleanups.push(() => second.close({ graceMs: 0 }));
  const channel = await connect(at(a), { transports });
  cleanups.push(() => channel.close());
  const calc = createClient(Jobs, channel);

  // 1,000 calls, 64 in flight: enough load to kill under; the full suite's own load on two CPUs can
  // stretch the cluster's recovery (a new leader for the R3 stream) to tens of seconds.
  const total = 1000;
  const answers = new Map<number, number>();
  let next = 0;
  let killed = false;
  const lane = async (): Promise<void> => {
    while (next < total) {
      const i = next++;
      answers.set(i, (await calc.add({ a: i, b: 1 }, { timeout: 90_000 })) - 1);
      if (!killed && answers.size >= total / 4) {
        killed = true;
        await c.kill(); // a server with a worker, and perhaps the stream's leader
      }
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: 64 }, lane));
  expect(killed).toBe(true);
  expect(answers.size).toBe(total);
  for (const [i, v] of answers) expect(v).toBe(i);
  const twice = [...runs.values()].filter((n) => n > 1).length;
  console.log(`cluster: ${total} calls in ${Date.now() - started} ms; ${twice} ran twice (at-least-once)`);
  expect(Date.now() - started).toBeLessThan(120_000); // recovered, not stuck until every deadline (90 s)
});
