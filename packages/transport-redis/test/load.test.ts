/** Competing workers under load: four worker processes, eight clients; every call answered exactly once. */
import { connect, createClient } from '@interoffice/core';
import { afterEach, describe, expect, it } from 'vitest';
import { redisTransport } from '../src/index.js';
import { Jobs, queueUrl, until, WorkerProcess } from './helpers.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function workers(url: string, n: number): Promise<WorkerProcess[]> {
  const all = await Promise.all(
    Array.from({ length: n }, (_, i) => WorkerProcess.start(url, `W${i}`, { visibilityTimeoutMs: 2000 })),
  );
  for (const w of all) cleanups.push(() => w.kill());
  return all;
}

async function clients(url: string, n: number) {
  return Promise.all(
    Array.from({ length: n }, async () => {
      const channel = await connect(url, { transports: [redisTransport()] });
      cleanups.push(() => channel.close());
      return createClient(Jobs, channel);
    }),
  );
}

/** Tags of the calls each worker started. */
const started = (ws: WorkerProcess[]): string[] => ws.flatMap((w) => w.saw('start ').map((l) => l.slice(6)));

describe('4 workers × 8 clients', () => {
  it('2,000 calls from each client: every call answered exactly once with its own answer, each run once, all workers used', async () => {
    const url = queueUrl();
    const ws = await workers(url, 4);
    const cs = await clients(url, 8);
    const answers = await Promise.all(
      cs.map((calc, c) =>
        Promise.all(Array.from({ length: 2000 }, (_, i) => calc.work({ tag: `${c}:${i}`, ms: 0 }, { timeout: 120_000 }))),
      ),
    );
    for (const [c, list] of answers.entries())
      expect(list.map((a) => a.tag)).toEqual(Array.from({ length: 2000 }, (_, i) => `${c}:${i}`));
    await until(() => started(ws).length >= 16_000, 5000, 'every run reported');
    const runs = started(ws);
    expect(runs).toHaveLength(16_000);
    expect(new Set(runs).size).toBe(16_000);
    for (const w of ws) expect(w.saw('start ').length).toBeGreaterThan(0);
  }, 180_000);

  it('one worker killed with -9 mid-load: every call is still answered, once, by the survivors', async () => {
    const url = queueUrl();
    const ws = await workers(url, 4);
    const cs = await clients(url, 8);
    const pending = cs.map((calc, c) =>
      Promise.all(Array.from({ length: 250 }, (_, i) => calc.work({ tag: `${c}:${i}`, ms: 20 }, { timeout: 120_000 }))),
    );
    await until(() => (ws[0] as WorkerProcess).saw('start ').length >= 20, 30_000, 'W0 at work');
    await (ws[0] as WorkerProcess).kill('SIGKILL');
    const answers = await Promise.all(pending);
    for (const [c, list] of answers.entries())
      expect(list.map((a) => a.tag)).toEqual(Array.from({ length: 250 }, (_, i) => `${c}:${i}`));
    // Runs the dead worker began but never finished were run again elsewhere; nothing else twice.
    const dead = ws[0] as WorkerProcess;
    const unfinished = new Set(dead.saw('start ').map((l) => l.slice(6)));
    for (const l of dead.saw('done ')) unfinished.delete(l.slice(5));
    const survivors = started(ws.slice(1));
    expect(new Set(survivors).size).toBe(survivors.length);
    expect(new Set([...survivors, ...dead.saw('done ').map((l) => l.slice(5))]).size).toBe(2000);
    for (const a of answers.flat()) if (a.worker === 'W0') expect(unfinished.has(a.tag)).toBe(false);
  }, 180_000);
});
