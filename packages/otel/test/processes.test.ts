// Three processes: A -> B over a unix socket, B -> C over Redis and over gRPC (three
// transports). Each records its spans with the SDK's in-memory exporter and prints them;
// the test joins them into one trace, and checks that B's calls made with `parent: ctx`
// carry A's deadline and cancellation to C.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SpanRecord } from './helpers.js';
import { Hop } from './processes.js';

const redisServer: string = inject('redisUrl'); // the run's own redis-server (transport-redis/test/global-setup.ts)
const queue = `otel-${randomBytes(4).toString('hex')}`;
const dir = mkdtempSync(join(tmpdir(), 'io-otel-'));
const unixUrl = `unix://${join(dir, 'b.sock')}`;
const SERVER = 1; // SpanKind.SERVER
const CLIENT = 2;

interface Point {
  name: string;
  unit: string;
  attributes: Record<string, unknown>;
  count: number;
  sum: number;
}
interface Back {
  traceparent: string;
  remaining: number;
}

let a: Hop;
let b: Hop;
let c: Hop;

beforeAll(async () => {
  c = new Hop('c', [`${redisServer}/${queue}`]);
  const grpcUrl = await c.line('ready ');
  b = new Hop('b', [unixUrl, `${redisServer}/${queue}`, grpcUrl]);
  await b.line('ready');
  a = new Hop('a', [unixUrl]);
  await a.line('ready');
}, 30_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop(), c?.stop()]);
  rmSync(dir, { recursive: true, force: true });
  // The queue's keys (the Redis may be REDIS_URL's, shared).
  const url = new URL(redisServer);
  const cli = ['-h', url.hostname, '-p', url.port || '6379'];
  const keys = spawnSync('redis-cli', [...cli, '--scan', '--pattern', `*${queue}*`], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter(Boolean);
  if (keys.length > 0) spawnSync('redis-cli', [...cli, 'del', ...keys]);
});

async function dump(p: Hop): Promise<{ spans: SpanRecord[]; metrics: Point[] }> {
  const from = p.lines.length;
  p.send('dump');
  const spans = JSON.parse(await p.line('spans ', 15_000, from)) as SpanRecord[];
  const metrics = JSON.parse(await p.line('metrics ', 15_000, from)) as Point[];
  return { spans, metrics };
}

describe('A -> B -> C in three processes over unix, Redis and gRPC', () => {
  it('forms one trace with the right parents, and histograms record the durations', async () => {
    const result = await a.ask<{ redis: Back; grpc: Back }>(
      `call ${JSON.stringify({ wait: false, timeout: 10_000 })}`,
      'result ',
    );
    const [fromA, fromB, fromC] = await Promise.all([dump(a), dump(b), dump(c)]);
    const one = (spans: SpanRecord[], kind: number, system?: string): SpanRecord => {
      const found = spans.filter(
        (s) => s.kind === kind && (system === undefined || s.attributes['interoffice.transport'] === system),
      );
      expect(found, `${kind} ${system}`).toHaveLength(1);
      return found[0] as SpanRecord;
    };
    const aClient = one(fromA.spans, CLIENT);
    const bServer = one(fromB.spans, SERVER);
    const bToRedis = one(fromB.spans, CLIENT, 'redis');
    const bToGrpc = one(fromB.spans, CLIENT, 'grpc');
    const cRedis = one(fromC.spans, SERVER, 'redis');
    const cGrpc = one(fromC.spans, SERVER, 'grpc');
    const all = [aClient, bServer, bToRedis, bToGrpc, cRedis, cGrpc];
    expect(new Set(all.map((s) => s.traceId)).size).toBe(1);
    expect(aClient.parentSpanId).toBeUndefined();
    expect(bServer.parentSpanId).toBe(aClient.spanId);
    expect(bToRedis.parentSpanId).toBe(bServer.spanId);
    expect(bToGrpc.parentSpanId).toBe(bServer.spanId);
    expect(cRedis.parentSpanId).toBe(bToRedis.spanId);
    expect(cGrpc.parentSpanId).toBe(bToGrpc.spanId);
    // What crossed the wire, as a peer in another language reads it.
    expect(result.redis.traceparent).toBe(`00-${aClient.traceId}-${bToRedis.spanId}-01`);
    expect(result.grpc.traceparent).toBe(`00-${aClient.traceId}-${bToGrpc.spanId}-01`);
    // The conventions' attributes, per system.
    expect(aClient).toMatchObject({
      name: 'test.Relay/front',
      attributes: {
        'rpc.system': 'jsonrpc',
        'rpc.service': 'test.Relay',
        'rpc.method': 'front',
        'server.address': join(dir, 'b.sock'),
      },
    });
    const redis = new URL(redisServer);
    expect(bToRedis.attributes).toMatchObject({
      'rpc.system': 'jsonrpc',
      'server.address': redis.hostname,
      'server.port': Number(redis.port || 6379),
    });
    expect(bToGrpc.attributes).toMatchObject({ 'rpc.system': 'grpc', 'rpc.grpc.status_code': 0, 'server.address': '127.0.0.1' });
    expect(cGrpc.attributes).toMatchObject({ 'rpc.system': 'grpc', 'rpc.method': 'back', 'rpc.grpc.status_code': 0 });
    // Durations: one client call in A, two in B; the server side in B and C.
    const count = (points: Point[], name: string) => points.filter((p) => p.name === name).reduce((sum, p) => sum + p.count, 0);
    expect(count(fromA.metrics, 'rpc.client.duration')).toBe(1);
    expect(count(fromB.metrics, 'rpc.client.duration')).toBe(2);
    expect(count(fromB.metrics, 'rpc.server.duration')).toBe(1);
    expect(count(fromC.metrics, 'rpc.server.duration')).toBe(2);
    const aPoint = fromA.metrics.find((p) => p.name === 'rpc.client.duration');
    expect(aPoint).toMatchObject({ unit: 'ms', attributes: { 'rpc.method': 'front', 'rpc.system': 'jsonrpc' } });
    expect(aPoint?.sum).toBeGreaterThan(0);
  });

  it('a deadline of 1 s at A reaches C less the 50 ms B spent, over Redis and gRPC', async () => {
    // B waits 50 ms before calling C: C must see at most 950 ms left. (Without the pause, A to C can
    // take under a millisecond, and Date.now()'s whole milliseconds show no difference.)
    const call = { wait: false, timeout: 1000, pauseMs: 50 };
    const result = await a.ask<{ redis: Back; grpc: Back }>(`call ${JSON.stringify(call)}`, 'result ');
    for (const via of [result.redis, result.grpc]) {
      expect(via.remaining).toBeGreaterThan(0);
      expect(via.remaining).toBeLessThanOrEqual(950);
    }
  });

  it('cancelling A aborts the signals of the handlers two hops away', async () => {
    const from = c.lines.length;
    const aFrom = a.lines.length;
    a.send(`call ${JSON.stringify({ wait: true, timeout: 20_000 })}`);
    await c.line('started redis', 15_000, from);
    await c.line('started grpc', 15_000, from);
    a.send('abort');
    expect(await a.line('error ', 15_000, aFrom)).toBe('CANCELLED');
    expect(await c.line('aborted ', 15_000, from)).toMatch(/^CANCELLED (redis|grpc)$/);
    await c.line('aborted CANCELLED redis', 15_000, from);
    await c.line('aborted CANCELLED grpc', 15_000, from);
  });
});
