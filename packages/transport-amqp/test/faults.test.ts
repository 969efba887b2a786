/**
 * Faults with real processes and a real broker: a worker killed mid-call, lost
 * broker connections (closed on the broker, as a restart would), a deadline that
 * passes in the queue, wrong credentials, and a quorum queue without workers.
 */
import { connect, createClient, openEvents, serve } from '@interoffice/core';
import { createServer, type AddressInfo } from 'node:net';
import { connect as amqpConnect } from 'amqplib';
import { afterEach, describe, expect, it } from 'vitest';
import { amqpTransport } from '../src/index.js';
import {
  BrokerRelay,
  Jobs,
  WorkerProcess,
  amqpUrl,
  dropConnections,
  jobs,
  queueUrl,
  sleep,
  until,
  type Seen,
} from './helpers.js';
import { exitAfterClose, killCallerMidCall } from '../../core/test/shared/message-peers.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function client(url: string, options = {}) {
  const channel = await connect(url, { transports: [amqpTransport(options)] });
  cleanups.push(() => channel.close());
  return createClient(Jobs, channel);
}

async function worker(url: string, label: string, options = {}): Promise<WorkerProcess> {
  const w = await WorkerProcess.start(url, label, options);
  cleanups.push(() => w.kill());
  return w;
}

describe('a client killed mid-call', () => {
  it('nothing tells the worker; the deadline that travelled with the call ends it there, and the worker serves on', async () => {
    const url = queueUrl();
    const w = await WorkerProcess.start(url, 'A');
    cleanups.push(() => w.kill());
    const transportModule = new URL('../dist/index.js', import.meta.url).pathname;
    const { line, afterKillMs } = await killCallerMidCall(w, transportModule, 'amqpTransport', url, 3000);
    expect(line).toBe('abort orphan DEADLINE_EXCEEDED'); // at its 3 s deadline, not after its 60 s of work
    expect(afterKillMs).toBeLessThan(4000);
    expect(w.saw('done orphan')).toEqual([]);
    const jobs = await client(url);
    expect(await jobs.work({ tag: 'next', ms: 1 })).toEqual({ tag: 'next', worker: 'A' });
  });
});

describe('a worker killed mid-call', () => {
  it('kill -9: the broker delivers the request again to another worker, and the caller gets its answer', async () => {
    const url = queueUrl();
    const a = await worker(url, 'A');
    const jobsClient = await client(url);
    // Long enough that A is still running it when B's process is up, on a loaded 2-CPU machine too.
    const call = jobsClient.work({ tag: 'j1', ms: 8000 }, { timeout: 30_000 });
    await until(() => a.saw('start j1').length === 1, 5000, 'A running j1');
    const b = await worker(url, 'B');
    await a.kill('SIGKILL');
    expect(await call).toEqual({ tag: 'j1', worker: 'B' });
    expect(b.saw('start j1')).toHaveLength(1);
    expect(a.saw('done j1')).toHaveLength(0);
  });
});

describe('a worker killed under load', () => {
  it('kill -9 with 300 calls in flight across two workers: every call is answered', async () => {
    const url = queueUrl();
    const [a, b] = [await worker(url, 'A', { prefetch: 16 }), await worker(url, 'B', { prefetch: 16 })];
    const jobsClient = await client(url);
    let answered = 0;
    const calls = Array.from({ length: 300 }, (_, i) =>
      jobsClient.work({ tag: `l${i}`, ms: 100 }, { timeout: 40_000 }).then((r) => {
        answered++;
        return r;
      }),
    );
    // Killed while it holds calls it started and has not finished (the case under test), whatever the load.
    const unfinishedOnA = (): number => a.saw('start ').length - a.saw('done ').length;
    await until(() => answered >= 50 && unfinishedOnA() > 0, 20_000, '50 answered, A busy');
    await a.kill('SIGKILL');
    const results = await Promise.all(calls);
    expect(results.map((r) => r.tag)).toEqual(Array.from({ length: 300 }, (_, i) => `l${i}`));
    expect(results.filter((r) => r.worker === 'B').length).toBeGreaterThan(150);
    // What A held unfinished when it died ran again on B: at least once.
    const doneOnA = new Set(a.saw('done ').map((l) => l.slice(5)));
    const lost = a
      .saw('start ')
      .map((l) => l.slice(6))
      .filter((t) => !doneOnA.has(t));
    const startedOnB = new Set(b.saw('start ').map((l) => l.slice(6)));
    expect(lost.length).toBeGreaterThan(0);
    expect(lost.filter((t) => !startedOnB.has(t))).toEqual([]);
  }, 60_000);
});

describe('lost broker connections', () => {
  it("a worker's connection closed under a running call: it reconnects, the broker delivers the call again, the caller is answered", async () => {
    const url = queueUrl();
    const w = await worker(url, 'W');
    const jobsClient = await client(url);
    const call = jobsClient.work({ tag: 'r1', ms: 4000 }, { timeout: 15_000 });
    await until(() => w.saw('start r1').length === 1, 5000, 'W running r1');
    expect(dropConnections(url, 'worker')).toBe(1); // rabbitmqctl takes a second or two: well within the call
    expect(w.saw('done r1')).toHaveLength(0);
    expect(await call).toEqual({ tag: 'r1', worker: 'W' });
    // The copy the broker delivered again joined the run still going here: run once, answered once.
    expect(w.saw('start r1')).toHaveLength(1);
    expect(await jobsClient.add({ a: 1, b: 2 })).toBe(3);
  });

  it('a worker that loses its connection while another worker runs: the call is delivered to the other and answered', async () => {
    const url = queueUrl();
    const a = await worker(url, 'A');
    const jobsClient = await client(url);
    // Long enough that A is still running it when B's process is up, on a loaded 2-CPU machine too.
    const call = jobsClient.work({ tag: 'o1', ms: 8000 }, { timeout: 30_000 });
    await until(() => a.saw('start o1').length === 1, 5000, 'A running o1');
    const b = await worker(url, 'B', {});
    a.child.kill('SIGSTOP'); // A stalls: it cannot reconnect before B takes the copy
    cleanups.push(() => a.child.kill('SIGCONT'));
    dropConnections(url, 'worker'); // both workers' connections: B reconnects at once and takes the copy
    expect(await call).toMatchObject({ tag: 'o1', worker: 'B' });
    expect(b.saw('start o1')).toHaveLength(1);
  });

  it('the broker away for a while: the worker reconnects with growing pauses, a waitForReady call is served once it is back', async () => {
    const relay = await BrokerRelay.start();
    cleanups.push(() => relay.down());
    const url = relay.url(new URL(queueUrl()).pathname.slice(1));
    const warnings: string[] = [];
    const logger = { warn: (m: string) => warnings.push(m), error: (m: string) => warnings.push(m) };
    const server = await serve(jobs({ runs: [], aborted: [] }), { listen: [url], transports: [amqpTransport({ logger })] });
    cleanups.push(() => server.close());
    const jobsClient = await client(url);
    expect(await jobsClient.add({ a: 1, b: 1 })).toBe(2);
    await relay.down();
    await expect(jobsClient.add({ a: 1, b: 2 }, { timeout: 2000 })).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    const waiting = jobsClient.add({ a: 20, b: 22 }, { waitForReady: true, timeout: 10_000 });
    await sleep(1000); // several failed reconnections
    await relay.up();
    expect(await waiting).toBe(42);
    expect(warnings.filter((w) => w.includes('lost the broker'))).toHaveLength(1);
    expect(warnings.filter((w) => w.includes('is back on the broker'))).toHaveLength(1);
  });

  it('a broker that stalls (connections open, nothing passed on): a worker and an event bus still close, within seconds', async () => {
    // Closing asks the broker to cancel the consumer, delete an unused queue and close the channel:
    // before, each waited until heartbeats gave the connection up (~20 s).
    const relay = await BrokerRelay.start();
    cleanups.push(() => relay.down());
    const url = relay.url(new URL(queueUrl()).pathname.slice(1));
    const server = await serve(jobs({ runs: [], aborted: [] }), { listen: [url], transports: [amqpTransport()] });
    const bus = await openEvents(relay.url('events'), { transports: [amqpTransport()] });
    relay.stall();
    let started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(6000); // 2 s for the cancel, 2 s for the rest
    started = Date.now();
    await bus.close(); // an event bus too
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('a client process that closes its channel while the broker stalls exits within seconds', async () => {
    const relay = await BrokerRelay.start();
    cleanups.push(() => relay.down());
    const url = relay.url(new URL(queueUrl()).pathname.slice(1));
    const server = await serve(jobs({ runs: [], aborted: [] }), { listen: [url], transports: [amqpTransport()] });
    cleanups.push(() => server.close());
    const module = new URL('../dist/index.js', import.meta.url).pathname;
    expect(await exitAfterClose(module, 'amqpTransport', url, () => relay.stall(), 8000)).toBeLessThan(6000);
  });

  it("a client's connection closed: calls in flight fail UNAVAILABLE, the next call reconnects", async () => {
    const url = queueUrl();
    const seen: Seen = { runs: [], aborted: [] };
    const server = await serve(jobs(seen), { listen: [url], transports: [amqpTransport()] });
    cleanups.push(() => server.close());
    const jobsClient = await client(url);
    const call = jobsClient.work({ tag: 'c1', ms: 2000 }, { timeout: 15_000 });
    await until(() => seen.runs.includes('c1'), 5000, 'c1 running');
    expect(dropConnections(url, 'client')).toBe(1);
    await expect(call).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(await jobsClient.add({ a: 2, b: 2 })).toBe(4);
  });
});

describe('the queue deleted under a worker', () => {
  it('the broker cancels its consumer; it reconnects and declares the queue again', async () => {
    const url = queueUrl();
    const warnings: string[] = [];
    const logger = { warn: (m: string) => warnings.push(m), error: (m: string) => warnings.push(m) };
    const server = await serve(jobs({ runs: [], aborted: [] }), { listen: [url], transports: [amqpTransport({ logger })] });
    cleanups.push(() => server.close());
    const model = await amqpConnect(amqpUrl);
    cleanups.push(() => model.close());
    const ch = await model.createChannel();
    const name = new URL(url).pathname.slice(1);
    await ch.deleteQueue(name);
    await until(() => warnings.some((w) => w.includes('is back on the broker')), 5000, 'the worker back');
    expect((await ch.checkQueue(name)).consumerCount).toBe(1);
    expect(await (await client(url)).add({ a: 3, b: 4 })).toBe(7);
  });
});

describe('deadlines in the queue', () => {
  it('a request whose deadline passes while it waits in the queue is dropped by the broker, never run', async () => {
    const url = queueUrl();
    const w = await worker(url, 'W', { prefetch: 1 });
    const jobsClient = await client(url);
    const first = jobsClient.work({ tag: 'long', ms: 1200 }, { timeout: 10_000 });
    await until(() => w.saw('start long').length === 1, 5000, 'W busy');
    await expect(jobsClient.work({ tag: 'late', ms: 1 }, { timeout: 300 })).rejects.toMatchObject({
      code: 'DEADLINE_EXCEEDED',
    });
    expect(await first).toEqual({ tag: 'long', worker: 'W' });
    expect(await jobsClient.work({ tag: 'after', ms: 1 })).toEqual({ tag: 'after', worker: 'W' });
    expect(w.saw('start late')).toHaveLength(0);
  });
});

describe('credentials', () => {
  it('a wrong password fails UNAUTHENTICATED, for callers and for workers', async () => {
    const url = queueUrl();
    const wrong = url.replace('amqp://', 'amqp://guest:wrong@');
    await expect(connect(wrong, { transports: [amqpTransport()] }).then((c) => c.close())).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    await expect(
      serve(jobs({ runs: [], aborted: [] }), { listen: [url], transports: [amqpTransport({ password: 'wrong' })] }),
    ).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
  });

  it('a vhost the user may not use fails PERMISSION_DENIED', async () => {
    await expect(
      serve(jobs({ runs: [], aborted: [] }), {
        listen: [queueUrl(amqpUrl, '?vhost=io-no-such-vhost')],
        transports: [amqpTransport()],
      }),
    ).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
  });
});

describe('without workers', () => {
  it('a classic queue is deleted when its last worker leaves it empty: calls fail UNAVAILABLE at once', async () => {
    const url = queueUrl();
    const server = await serve(jobs({ runs: [], aborted: [] }), { listen: [url], transports: [amqpTransport()] });
    const jobsClient = await client(url);
    expect(await jobsClient.add({ a: 1, b: 1 })).toBe(2);
    await server.close();
    const started = Date.now();
    await expect(jobsClient.add({ a: 1, b: 1 })).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(Date.now() - started).toBeLessThan(3000); // timing is the feature: at once, not at the call's deadline (room for a loaded machine)
  });

  it('a quorum queue stays: a call waits in it for the next worker', async () => {
    const url = queueUrl();
    const transports = [amqpTransport({ queueType: 'quorum' })];
    const first = await serve(jobs({ runs: [], aborted: [] }), { listen: [url], transports });
    const jobsClient = await client(url);
    expect(await jobsClient.add({ a: 1, b: 1 })).toBe(2);
    await first.close();
    // Nobody consumes the queue: a call's deadline error says so (clients look at most once a second).
    await sleep(1100);
    await expect(jobsClient.add({ a: 1, b: 2 }, { timeout: 300 })).rejects.toMatchObject({
      code: 'DEADLINE_EXCEEDED',
      message: expect.stringContaining('no worker was consuming queue'),
    });
    const waiting = jobsClient.add({ a: 20, b: 22 }, { timeout: 10_000 });
    await sleep(300); // not a condition: the call must wait in the queue with no worker (shorter only weakens this)
    const seen: Seen = { runs: [], aborted: [] };
    const second = await serve(jobs(seen), { listen: [url], transports });
    cleanups.push(() => second.close());
    expect(await waiting).toBe(42);
    expect(seen.runs).toEqual(['add 20 22']);
    // It is a quorum queue on the broker.
    const model = await amqpConnect(amqpUrl);
    cleanups.push(() => model.close());
    const ch = await model.createChannel();
    ch.on('error', () => {});
    // Declaring it as a classic queue must fail: the broker knows it as quorum.
    await expect(ch.assertQueue(new URL(url).pathname.slice(1), { durable: true })).rejects.toThrow(/x-queue-type/);
  });
});

describe('a broker that does not answer, bad URLs and options', () => {
  it('a listener that never speaks AMQP: UNAVAILABLE after connectTimeoutMs', async () => {
    const silent = createServer(() => {}).listen(0, '127.0.0.1');
    await new Promise((r) => silent.once('listening', r));
    cleanups.push(() => silent.close());
    const started = Date.now();
    const url = `amqp://127.0.0.1:${(silent.address() as AddressInfo).port}/q`;
    await expect(connect(url, { transports: [amqpTransport({ connectTimeoutMs: 300 })] })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringMatching(/ETIMEDOUT/),
    });
    expect(Date.now() - started).toBeLessThan(2000); // timing is the feature: the 300 ms asked for, not the 5 s default (room for a loaded machine)
  });

  it('names what is wrong', async () => {
    const transports = [amqpTransport()];
    await expect(connect(`${amqpUrl}/amq.mine`, { transports })).rejects.toThrow(/may not start with "amq\."/);
    await expect(connect(`${amqpUrl}/`, { transports })).rejects.toThrow(/name the service's queue/);
    expect(() => amqpTransport({ prefetch: 0 })).toThrow(/prefetch must be a whole number/);
    expect(() => amqpTransport({ queueType: 'stream' as 'quorum' })).toThrow(/queueType must be/);
  });
});
