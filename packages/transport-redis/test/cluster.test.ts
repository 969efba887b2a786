/**
 * Redis Cluster: three masters started here (`--cluster-enabled yes`, joined
 * with `redis-cli --cluster create`); the transport, unchanged, finds out it
 * talks to a cluster and runs the conformance suite, competing workers and events.
 */
import { connect, createClient, openEvents, serve } from '@interoffice/core';
import { messageMediumStreamSkip, runConformance } from '@interoffice/core/conformance';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keysFor, redisTransport } from '../src/index.js';
import { Jobs, jobs, queueUrl, until, type Seen } from './helpers.js';
import { RedisCluster, redisCli } from './redis-server.js';

let cluster: RedisCluster;
const cleanups: (() => unknown)[] = [];
beforeAll(async () => {
  cluster = await RedisCluster.start();
});
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await cluster?.stop();
});

const maxFrameBytes = 2 * 1024 * 1024;
runConformance({
  name: 'redis cluster (whenNoWorkers: fail)',
  transports: [redisTransport({ maxFrameBytes, whenNoWorkers: 'fail' })],
  maxFrameBytes,
  address: () => queueUrl(cluster.url),
  skip: [messageMediumStreamSkip],
});

describe('redis cluster', () => {
  it('keeps one service’s keys on one slot, whatever the service is called', async () => {
    for (const service of ['calc', 'billing.v2', 'a/b']) {
      const k = keysFor('interoffice:', service);
      const names = [k.requests, k.workers, k.replies('c1'), k.client('c1'), k.done('1-0'), k.started('1-0')];
      const slots = await Promise.all(names.map((name) => redisCli(cluster.nodes[0]?.port ?? 0, 'cluster', 'keyslot', name)));
      expect(new Set(slots).size).toBe(1);
    }
  });

  it('two workers on different nodes’ connections share the calls of several clients', async () => {
    const url = queueUrl(cluster.url);
    const seen: Seen[] = [
      { runs: [], aborted: [] },
      { runs: [], aborted: [] },
    ];
    for (const s of seen) {
      const server = await serve(jobs(s), { listen: [url], transports: [redisTransport()] });
      cleanups.push(() => server.close({ graceMs: 0 }));
    }
    // Clients reach the cluster through another node than the workers did.
    const viaOther = url.replace(String(cluster.nodes[0]?.port), String(cluster.nodes[2]?.port));
    const calcs = await Promise.all(
      [1, 2, 3].map(async () => {
        const channel = await connect(viaOther, { transports: [redisTransport()] });
        cleanups.push(() => channel.close());
        return createClient(Jobs, channel);
      }),
    );
    const answers = await Promise.all(
      calcs.flatMap((calc, c) => Array.from({ length: 100 }, (_, i) => calc.work({ tag: `${c}:${i}`, ms: 2 }))),
    );
    expect(answers).toHaveLength(300);
    expect(seen[0]?.runs.length ?? 0).toBeGreaterThan(0);
    expect(seen[1]?.runs.length ?? 0).toBeGreaterThan(0);
    expect((seen[0]?.runs.length ?? 0) + (seen[1]?.runs.length ?? 0)).toBe(300);
  });

  it('carries events on plain channels across nodes', async () => {
    const events = await openEvents(cluster.url, { transports: [redisTransport()] });
    const got: string[] = [];
    await events.subscribe('cluster-news', (t) => got.push(t));
    const other = new Redis(cluster.nodes[1]?.port ?? 0, '127.0.0.1');
    await other.publish('cluster-news', 'from another node');
    await until(() => got.length === 1, 5000, 'the message');
    expect(got).toEqual(['from another node']);
    other.disconnect();
    await events.close();
  });
});
