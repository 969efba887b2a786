// kill -9 of a worker under load, with a client that retries and hedges. On Redis, balance has two
// meanings: workers on one queue compete for its entries (the queue balances them; a client names
// the queue, not a worker), and a client given several queue URLs (other queues or other Redis
// servers) spreads calls over them as over any servers, checking each with rpc.health, which any
// worker of the queue answers.
import { connect, createClient } from '@interoffice/core';
import { Calculator, loadWithKill, ServerProcess } from '@interoffice/core/conformance';
import { afterEach, describe, expect, it } from 'vitest';
import { redisTransport } from '../src/index.js';
import { queueUrl } from './helpers.js';

const fixture = new URL('./fixtures/named-worker.mjs', import.meta.url).pathname;
const transports = [redisTransport()];
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

// A worker's entries go to another worker after a second of silence (10 s by default).
const worker = { visibilityTimeoutMs: 1000 };

async function start(url: string, name: string): Promise<ServerProcess> {
  const p = await ServerProcess.start(fixture, [url, name, JSON.stringify(worker)]);
  cleanups.push(() => p.kill());
  return p;
}

describe('kill -9 of a worker under load', () => {
  it('two workers on one queue: no call fails, the survivor runs what the dead one held and all that follows', async () => {
    const url = queueUrl();
    const a = await start(url, 'a');
    await start(url, 'b');
    const channel = await connect(url, { transports, retry: { maxAttempts: 5, initialBackoffMs: 20, maxBackoffMs: 500 } });
    cleanups.push(() => channel.close());
    const report = await loadWithKill(createClient(Calculator, channel), { calls: 2000, concurrency: 16, kill: () => a.kill() });

    expect(report.failures).toEqual([]);
    expect(report.wrong).toBe(0);
    expect(report.answered).toBe(2000);
    expect(Object.keys(report.before).sort()).toEqual(['a', 'b']); // the queue spread the calls
    const after = Object.values(report.after).reduce((x, y) => x + y, 0);
    expect(after).toBeGreaterThan(0);
    expect(report.after).toEqual({ b: after });
    expect(report.ms).toBeLessThan(30_000);
  }, 60_000);

  it('two queues behind one balanced client, hedged: no noSideEffects call fails when one queue’s only worker dies', async () => {
    const [qa, qb] = [queueUrl(), queueUrl()];
    const a = await start(qa, 'a');
    await start(qb, 'b');
    // A call queued for a dead worker waits in its queue: no error comes back to retry on. A hedge
    // sends a copy to the other queue after 200 ms; the health check takes queue a out of the rotation.
    const channel = await connect([qa, qb], {
      transports,
      balance: 'round-robin',
      health: { intervalMs: 300, timeoutMs: 1000 },
      hedging: { hedgingDelayMs: 200 },
    });
    cleanups.push(() => channel.close());
    const report = await loadWithKill(createClient(Calculator, channel), { calls: 1000, concurrency: 16, kill: () => a.kill() });

    expect(report.failures).toEqual([]);
    expect(report.wrong).toBe(0);
    expect(Object.keys(report.before).sort()).toEqual(['a', 'b']);
    const after = Object.values(report.after).reduce((x, y) => x + y, 0);
    expect(report.after).toEqual({ b: after });
    expect(report.ms).toBeLessThan(30_000);
  }, 60_000);
});
