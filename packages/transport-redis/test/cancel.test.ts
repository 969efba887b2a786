/** Cancellation reaches the worker running the call, wherever it runs — or stops it before it runs. */
import { connect, createClient } from '@interoffice/core';
import { afterEach, describe, expect, it } from 'vitest';
import { redisTransport } from '../src/index.js';
import { killCallerMidCall } from '../../core/test/shared/message-peers.js';
import { inspect, Jobs, queueUrl, until, WorkerProcess } from './helpers.js';

const transportModule = new URL('../dist/index.js', import.meta.url).pathname;

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function worker(url: string, label: string, options: object = {}): Promise<WorkerProcess> {
  const w = await WorkerProcess.start(url, label, options);
  cleanups.push(() => w.kill());
  return w;
}

async function client(url: string) {
  const channel = await connect(url, { transports: [redisTransport()] });
  cleanups.push(() => channel.close());
  return { channel, calc: createClient(Jobs, channel) };
}

const rejected = (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => 'answered',
    (e: { code?: unknown }) => e.code,
  );

describe('cancellation', () => {
  it('reaches the one worker, of three, that runs the call; the others keep working', async () => {
    const url = queueUrl();
    const ws = await Promise.all(['A', 'B', 'C'].map((l) => worker(url, l)));
    const { calc } = await client(url);
    const controllers = Array.from({ length: 6 }, () => new AbortController());
    const calls = controllers.map((ac, i) => rejected(calc.work({ tag: `t${i}`, ms: 1500 }, { signal: ac.signal })));
    await until(() => ws.flatMap((w) => w.saw('start ')).length === 6, 5000, 'all six running');
    controllers[3]?.abort();
    expect(await calls[3]).toBe('CANCELLED');
    await until(() => ws.flatMap((w) => w.saw('abort ')).length === 1, 5000, 'the worker told');
    expect(ws.flatMap((w) => w.saw('abort '))).toEqual(['abort t3 CANCELLED']);
    const runner = ws.find((w) => w.saw('start t3').length === 1);
    expect(runner?.saw('abort t3')).toHaveLength(1);
    for (const i of [0, 1, 2, 4, 5]) expect(await calls[i]).toBe('answered');
  });

  it('a call cancelled while it waits in the queue is never run', async () => {
    const url = queueUrl();
    const w = await worker(url, 'A', { concurrency: 1 });
    const { calc } = await client(url);
    const busy = calc.work({ tag: 'busy', ms: 800 });
    await until(() => w.saw('start busy').length === 1, 5000, 'the worker busy');
    const ac = new AbortController();
    const queued = rejected(calc.work({ tag: 'queued', ms: 10 }, { signal: ac.signal }));
    const { redis, keys } = inspect(url);
    cleanups.push(() => redis.quit());
    await until(async () => (await redis.xlen(keys.requests)) === 2, 5000, 'the call queued'); // busy, then this one
    ac.abort();
    expect(await queued).toBe('CANCELLED');
    await busy;
    expect(await calc.work({ tag: 'next', ms: 1 })).toMatchObject({ tag: 'next' }); // after the queued one in the stream
    expect(w.saw('start queued')).toEqual([]);
  });

  it('a client that closes aborts its calls on the workers, and their requests leave the queue', async () => {
    const url = queueUrl();
    const w = await worker(url, 'A');
    const { redis, keys } = inspect(url);
    cleanups.push(() => redis.quit());
    const { channel, calc } = await client(url);
    const pending = rejected(calc.work({ tag: 'orphan', ms: 10_000 }));
    await until(() => w.saw('start orphan').length === 1, 5000, 'the call running');
    await channel.close();
    expect(await pending).toBe('CANCELLED');
    await until(() => w.saw('abort orphan').length === 1, 5000, 'the worker told');
    expect(w.saw('abort orphan')).toEqual(['abort orphan CANCELLED']);
    await until(async () => (await redis.xlen(keys.requests)) === 0, 5000, 'the request acknowledged');
  });

  it('a client process killed with SIGKILL: its call ends on the worker at its deadline, and the worker keeps serving', async () => {
    const url = queueUrl();
    const w = await worker(url, 'A');
    // Nobody can tell the worker the client died; the deadline travelled with the call, so the worker
    // ends it then (2 s after the call) rather than running it for its 60 s.
    const { line } = await killCallerMidCall(w, transportModule, 'redisTransport', url, 2000);
    expect(line).toBe('abort orphan DEADLINE_EXCEEDED');
    const { calc } = await client(url);
    expect(await calc.work({ tag: 'next', ms: 1 })).toEqual({ tag: 'next', worker: 'A' });
  });
});
