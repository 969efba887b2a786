/**
 * Faults with real processes: workers killed or stopped mid-call, a broker
 * restarted (a Mosquitto of the test's own), wrong credentials.
 */
import { connect, createClient, defineService, openEvents, type RpcError, serve, unary } from '@interoffice/core';
import { calculator, Calculator } from '@interoffice/core/conformance';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { mqttTransport } from '../src/index.js';
import { exitAfterClose, killCallerMidCall, WorkerProcess as SharedWorker } from '../../core/test/shared/message-peers.js';
import { publishOutcome } from '../../core/test/shared/events-away.js';
import { exceedMediumLimit } from '../../core/test/shared/size-limit.js';
import { serviceUrl, sleep, until, WorkerProcess } from './helpers.js';
import { Mosquitto } from './mosquitto.js';

const Jobs = defineService('Jobs', {
  work: unary({ input: z.object({ tag: z.string(), ms: z.number() }), output: z.string() }),
});

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
const rejection = (p: Promise<unknown>): Promise<RpcError> =>
  p.then(
    () => Promise.reject(new Error('resolved')),
    (e) => e,
  );

async function jobsClient(url: string) {
  const channel = await connect(url, { transports: [mqttTransport()] });
  cleanups.push(() => channel.close());
  return createClient(Jobs, channel);
}

describe('a client killed mid-call', () => {
  it('its will (the goodbye) reaches the worker, which aborts the call at once', async () => {
    const url = serviceUrl();
    const transportModule = new URL('../dist/index.js', import.meta.url).pathname;
    const w = await SharedWorker.jobs(transportModule, 'mqttTransport', url, 'A');
    cleanups.push(() => w.kill());
    const { line, afterKillMs } = await killCallerMidCall(w, transportModule, 'mqttTransport', url, 60_000);
    expect(line).toBe('abort orphan CANCELLED'); // not DEADLINE_EXCEEDED, a minute later
    expect(afterKillMs).toBeLessThan(5000);
  });
});

describe('a worker killed mid-call', () => {
  it('the only worker: the call fails UNAVAILABLE at once (its will tells the client), and a new worker serves', async () => {
    const url = serviceUrl();
    const w = await WorkerProcess.start(url, 'w1');
    cleanups.push(() => w.kill());
    const jobs = await jobsClient(url);
    const call = rejection(jobs.work({ tag: 'long', ms: 10_000 }, { timeout: 20_000 }));
    await until(() => w.lines.includes('start long'), 5000, 'the call running');
    const killedAt = Date.now();
    await w.kill('SIGKILL');
    const e = await call;
    expect(e.code).toBe('UNAVAILABLE');
    expect(Date.now() - killedAt).toBeLessThan(3000);
    const w2 = await WorkerProcess.start(url, 'w2');
    cleanups.push(() => w2.kill());
    expect(await jobs.work({ tag: 'after', ms: 1 }, { waitForReady: true, timeout: 5000 })).toBe('w2');
  });

  it('one of two: its call is lost and ends at its deadline saying so; the other worker goes on serving', async () => {
    const url = serviceUrl();
    const [a, b] = [await WorkerProcess.start(url, 'a'), await WorkerProcess.start(url, 'b')];
    cleanups.push(
      () => a.kill(),
      () => b.kill(),
    );
    const jobs = await jobsClient(url);
    const calls = ['x1', 'x2', 'x3', 'x4'].map((tag) => jobs.work({ tag, ms: 3000 }, { timeout: 2000 }).catch((e: unknown) => e));
    await until(
      () => a.lines.some((l) => l.startsWith('start')) && b.lines.some((l) => l.startsWith('start')),
      5000,
      'both busy',
    );
    await a.kill('SIGKILL');
    const lost = (await Promise.all(calls)).filter((_r, i) => a.lines.includes(`start x${i + 1}`)) as RpcError[];
    expect(lost.length).toBeGreaterThan(0);
    for (const e of lost) {
      expect(e.code).toBe('DEADLINE_EXCEEDED');
      expect(e.message).toMatch(/worker .* left at .*calls it held are lost/);
    }
    expect(await jobs.work({ tag: 'next', ms: 1 })).toBe('b');
  });
});

describe('deadlines in the broker', () => {
  it('a request whose deadline passes before the (stopped) worker takes it is dropped, never run', async () => {
    const url = serviceUrl();
    const w = await WorkerProcess.start(url, 'w');
    cleanups.push(() => w.kill());
    const jobs = await jobsClient(url);
    w.child.kill('SIGSTOP');
    cleanups.push(() => w.child.kill('SIGCONT'));
    const late = await Promise.all(
      Array.from({ length: 30 }, (_, i) => rejection(jobs.work({ tag: `late${i}`, ms: 1 }, { timeout: 500 }))),
    );
    for (const e of late) expect(e.code).toBe('DEADLINE_EXCEEDED');
    await sleep(1500); // past every request's expiry (whole seconds)
    w.child.kill('SIGCONT');
    expect(await jobs.work({ tag: 'fresh', ms: 1 }, { timeout: 5000 })).toBe('w');
    // The broker hands the worker messages in order and it prints in order: once it has printed
    // that it started the fresh call, any late one it started is printed too.
    await until(() => w.lines.includes('start fresh'), 5000, 'the worker to print the fresh start');
    expect(w.lines.filter((l) => l.startsWith('start late'))).toEqual([]);
  });
});

describe('a broker restarted', () => {
  it('calls in flight fail UNAVAILABLE; workers and clients reconnect and serve again', async () => {
    const broker = await Mosquitto.start();
    cleanups.push(() => broker.stop());
    const url = serviceUrl(broker.url);
    const w = await WorkerProcess.start(url, 'w');
    cleanups.push(() => w.kill());
    const jobs = await jobsClient(url);
    expect(await jobs.work({ tag: 'before', ms: 1 })).toBe('w');
    const inFlight = rejection(jobs.work({ tag: 'during', ms: 2000 }, { timeout: 10_000 }));
    await until(() => w.lines.includes('start during'), 5000, 'the call running');
    await broker.stop();
    expect((await inFlight).code).toBe('UNAVAILABLE');
    expect((await rejection(jobs.work({ tag: 'down', ms: 1 }))).code).toBe('UNAVAILABLE');
    await broker.run();
    // The worker reconnects by itself and announces itself again; the client's next connect finds it.
    expect(await jobs.work({ tag: 'after', ms: 1 }, { waitForReady: true, timeout: 10_000 })).toBe('w');
  });

  it('while the broker is away: a publish fails UNAVAILABLE; a worker and an event bus close without waiting for it, and a publish still waiting fails', async () => {
    // mqtt.js's polite end waits for acknowledgements, and no longer reconnects: before, both closes hung for ever.
    const broker = await Mosquitto.start();
    cleanups.push(() => broker.stop());
    const server = await serve(calculator(), { listen: [serviceUrl(broker.url)], transports: [mqttTransport()] });
    const bus = await openEvents(`${broker.url}/`, { transports: [mqttTransport()] });
    await broker.stop();
    const waiting = bus.publish('away/a', 'x').catch((e: RpcError) => e);
    await until(async () => (await publishOutcome(bus, 'away/b')) === 'UNAVAILABLE', 5000, 'UNAVAILABLE while away');
    const started = Date.now();
    await Promise.all([server.close(), bus.close()]);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await waiting).toMatchObject({ code: 'UNAVAILABLE' });
  });
  it('a broker that stalls (SIGSTOP: connections open, nothing answered): a worker and an event bus still close, within seconds', async () => {
    const broker = await Mosquitto.start();
    cleanups.push(() => broker.stop());
    const server = await serve(calculator(), { listen: [serviceUrl(broker.url)], transports: [mqttTransport()] });
    const bus = await openEvents(`${broker.url}/`, { transports: [mqttTransport()] });
    cleanups.push(() => broker.signal('SIGCONT'));
    await broker.pause();
    const started = Date.now();
    await Promise.all([server.close(), bus.close()]);
    expect(Date.now() - started).toBeLessThan(7000); // 2 s for the polite steps, 2 s for the end
  });

  it('a client process that closes its channel while the broker stalls exits within seconds', async () => {
    // Its socket waited for the stopped broker to close its side, which kept the process alive.
    const broker = await Mosquitto.start();
    cleanups.push(() => broker.stop());
    const url = serviceUrl(broker.url);
    const server = await serve(calculator(), { listen: [url], transports: [mqttTransport()] });
    cleanups.push(() => server.close());
    cleanups.push(() => broker.signal('SIGCONT'));
    const module = new URL('../dist/index.js', import.meta.url).pathname;
    expect(await exitAfterClose(module, 'mqttTransport', url, () => broker.pause(), 8000)).toBeLessThan(6000);
  });
});

describe('credentials', () => {
  it('wrong ones fail UNAUTHENTICATED, for clients and servers; right ones (URL or options) serve', async () => {
    const broker = await Mosquitto.start({ calc: 's3cret' });
    cleanups.push(() => broker.stop());
    const service = serviceUrl(`mqtt://calc:s3cret@127.0.0.1:${broker.port}`);
    const bad = service.replace('s3cret', 'wrong');
    await expect(serve(calculator(), { listen: [bad], transports: [mqttTransport()] })).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    const server = await serve(calculator(), { listen: [service], transports: [mqttTransport()] });
    cleanups.push(() => server.close());
    await expect(connect(bad, { transports: [mqttTransport()] })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    const anonymous = service.replace('calc:s3cret@', '');
    const byOptions = await connect(anonymous, { transports: [mqttTransport({ username: 'calc', password: 's3cret' })] });
    cleanups.push(() => byOptions.close());
    expect(await createClient(Calculator, byOptions).add({ a: 2, b: 3 })).toBe(5);
  });
});

it("a message above the broker's maximum packet size: the request is refused at the client, the answer becomes the caller's error; nobody is disconnected", async () => {
  // Mosquitto's max_packet_size reaches clients in its CONNACK. A larger packet made it drop the
  // sender: a big request cost the caller its connection, a big answer cost the worker its own.
  const broker = await Mosquitto.start(undefined, undefined, ['max_packet_size 65536']);
  cleanups.push(() => broker.stop());
  await exceedMediumLimit(serviceUrl(broker.url), mqttTransport(), 61440, cleanups);
  // An event too: refused before it is sent (before, the bus was dropped, and mqtt.js sent it again on each reconnect).
  const bus = await openEvents(`${broker.url}/`, { transports: [mqttTransport()] });
  cleanups.push(() => bus.close());
  const got: string[] = [];
  await bus.subscribe('big/+', (p) => got.push(p));
  await expect(bus.publish('big/a', 'x'.repeat(61_441))).rejects.toMatchObject({
    code: 'RESOURCE_EXHAUSTED',
    message: expect.stringContaining("exceeds the broker's limit of 61440"),
  });
  await bus.publish('big/a', 'x'.repeat(61_440));
  await until(() => got.length === 1, 5000, 'the largest event that fits');
});
