/**
 * Faults with real processes: a worker killed mid-call (core mode: the call
 * fails UNAVAILABLE; durable: another worker answers), the NATS server
 * restarted, a deadline that passes before a worker takes the request, wrong
 * credentials, TLS, and malformed or oversized bodies from a plain NATS client.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createClient, implement, openEvents, serve, type CallContext } from '@interoffice/core';
import { connect as natsConnect } from '@nats-io/transport-node';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { calculator } from '@interoffice/core/conformance';
import { natsTransport } from '../src/index.js';
import { dropStreams, Jobs, sleep, subjectUrl, until, WorkerProcess } from './helpers.js';
import { exitAfterClose, killCallerMidCall } from '../../core/test/shared/message-peers.js';
import { exceedMediumLimit } from '../../core/test/shared/size-limit.js';
import { makeCertificates, NatsServer } from './nats-server.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(() => dropStreams());

/** Jobs served in this process, recording which `work` tags ran. */
function jobs(runs: string[]) {
  return implement(Jobs, {
    add: ({ a, b }) => a + b,
    work: ({ tag, ms }, ctx: CallContext) =>
      new Promise((resolve, reject) => {
        runs.push(tag);
        const t = setTimeout(() => resolve({ tag, worker: 'in-process' }), ms);
        ctx.signal.addEventListener('abort', () => {
          clearTimeout(t);
          reject(ctx.signal.reason);
        });
      }),
    countdown: async function* ({ from }) {
      for (let i = from; i >= 0; i--) yield i;
    },
  });
}

async function client(url: string, options = {}) {
  const channel = await connect(url, { transports: [natsTransport(options)] });
  cleanups.push(() => channel.close());
  return createClient(Jobs, channel);
}

describe('a client killed mid-call', () => {
  it('nothing tells the worker; the deadline that travelled with the call ends it there, and the worker serves on', async () => {
    const url = subjectUrl();
    const w = await WorkerProcess.start(url, 'A');
    cleanups.push(() => w.kill());
    const transportModule = new URL('../dist/index.js', import.meta.url).pathname;
    const { line, afterKillMs } = await killCallerMidCall(w, transportModule, 'natsTransport', url, 3000);
    expect(line).toBe('abort orphan DEADLINE_EXCEEDED'); // at its 3 s deadline, not after its 60 s of work
    expect(afterKillMs).toBeLessThan(4000);
    expect(w.saw('done orphan')).toEqual([]);
    const jobs = await client(url);
    expect(await jobs.work({ tag: 'next', ms: 1 })).toEqual({ tag: 'next', worker: 'A' });
  });
});

describe('a stalled NATS server (SIGSTOP: connections open, nothing answered)', () => {
  for (const mode of ['core', 'durable'] as const) {
    it(`${mode} mode: a worker still closes, within seconds`, async () => {
      // Closing asks NATS to unsubscribe the service and stop the consumer: before, it waited for as long as NATS was stopped.
      const nats = await NatsServer.start();
      cleanups.push(() => nats.stop());
      const server = await serve(calculator(), { listen: [`${nats.url}/stalled?mode=${mode}`], transports: [natsTransport()] });
      cleanups.push(() => nats.signal('SIGCONT'));
      await nats.pause();
      const started = Date.now();
      await server.close();
      expect(Date.now() - started).toBeLessThan(8000);
    });
  }
});

it('a client process that closes its channel while the NATS server stalls exits within seconds', async () => {
  const nats = await NatsServer.start();
  cleanups.push(() => nats.stop());
  const url = `${nats.url}/stalled`;
  const server = await serve(calculator(), { listen: [url], transports: [natsTransport()] });
  cleanups.push(() => server.close());
  cleanups.push(() => nats.signal('SIGCONT'));
  const module = new URL('../dist/index.js', import.meta.url).pathname;
  expect(await exitAfterClose(module, 'natsTransport', url, () => nats.pause(), 8000)).toBeLessThan(6000);
});

describe('a worker killed mid-call', () => {
  it('core mode: the call fails UNAVAILABLE soon, naming the lost worker', async () => {
    const url = subjectUrl();
    const worker = await WorkerProcess.start(url, 'A');
    cleanups.push(() => worker.kill());
    const jobsClient = await client(url);
    const started = Date.now();
    const call = jobsClient.work({ tag: 'long', ms: 20_000 }, { timeout: 30_000 }).catch((e: unknown) => e);
    await until(() => worker.saw('start long').length === 1, 5000, 'the call running');
    await sleep(1500); // long enough that the worker has named itself to the caller
    await worker.kill();
    const e = await call;
    expect(e).toMatchObject({ code: 'UNAVAILABLE' });
    expect((e as Error).message).toMatch(/worker running the call .* is gone/);
    expect(Date.now() - started).toBeLessThan(8000);
  });

  it('durable mode: another worker answers once the ack wait passes', async () => {
    const url = subjectUrl(undefined, '?mode=durable');
    const a = await WorkerProcess.start(url, 'A', { ackWaitMs: 2000 });
    cleanups.push(() => a.kill());
    const jobsClient = await client(url);
    const call = jobsClient.work({ tag: 'moved', ms: 3000 }, { timeout: 25_000 });
    await until(() => a.saw('start moved').length === 1, 5000, 'the call running at A');
    const b = await WorkerProcess.start(url, 'B', { ackWaitMs: 2000 });
    cleanups.push(() => b.kill());
    await a.kill();
    expect(await call).toEqual({ tag: 'moved', worker: 'B' });
    expect(b.saw('start moved')).toHaveLength(1);
  });
});

describe('the NATS server restarted', () => {
  for (const mode of ['core', 'durable'] as const) {
    it(`${mode} mode: a call in flight fails UNAVAILABLE; clients and workers reconnect and serve again`, async () => {
      const nats = await NatsServer.start();
      cleanups.push(() => nats.stop());
      const url = subjectUrl(nats.url, mode === 'durable' ? '?mode=durable' : '');
      const runs: string[] = [];
      const server = await serve(jobs(runs), { listen: [url], transports: [natsTransport()] });
      cleanups.push(() => server.close({ graceMs: 0 }));
      const c = await client(url);
      expect(await c.add({ a: 1, b: 2 })).toBe(3);
      const inFlight = c.work({ tag: 'cut', ms: 2000 }, { timeout: 20_000 }).catch((e: unknown) => e);
      await until(() => runs.includes('cut'), 5000, 'the call running');
      await nats.kill();
      expect(await inFlight).toMatchObject({ code: 'UNAVAILABLE' });
      await nats.restart();
      await until(async () => (await c.add({ a: 2, b: 2 }).catch(() => 0)) === 4, 15_000, 'calls served again');
    });
  }
});

it('a request whose deadline passes before a worker takes it is dropped, never run', async () => {
  const url = subjectUrl();
  const runs: string[] = [];
  const server = await serve(jobs(runs), { listen: [url], transports: [natsTransport({ concurrency: 1 })] });
  cleanups.push(() => server.close());
  const c = await client(url);
  const busy = c.work({ tag: 'busy', ms: 600 });
  await until(() => runs.includes('busy'), 5000, 'the worker busy');
  const late = c.work({ tag: 'late', ms: 1 }, { timeout: 100 }).catch((e: unknown) => e);
  const queued = c.work({ tag: 'queued', ms: 1 }, { timeout: 10_000 }); // behind 'late'
  expect(await late).toMatchObject({ code: 'DEADLINE_EXCEEDED' });
  expect(await busy).toMatchObject({ tag: 'busy' });
  expect(await queued).toMatchObject({ tag: 'queued' }); // the dropped request made way for it
  expect(runs).toEqual(['busy', 'queued']);
});

it('wrong credentials fail UNAUTHENTICATED; the right ones serve', async () => {
  const nats = await NatsServer.start(['--user', 'alice', '--pass', 's3cret']);
  cleanups.push(() => nats.stop());
  const url = subjectUrl(`nats://alice:wrong@127.0.0.1:${nats.port}`);
  await expect(connect(url, { transports: [natsTransport()] })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  const good = url.replace('alice:wrong', 'alice:s3cret');
  const server = await serve(jobs([]), { listen: [good], transports: [natsTransport()] });
  cleanups.push(() => server.close());
  expect(await (await client(good)).add({ a: 5, b: 6 })).toBe(11);
  // The option wins over the URL's password.
  expect(await (await client(url, { pass: 's3cret' })).add({ a: 1, b: 6 })).toBe(7);
});

it('TLS: natss:// with the CA serves; without it the certificate is refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'io-nats-tls-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const certs = await makeCertificates(dir);
  const nats = await NatsServer.start(['--tls', '--tlscert', certs.cert, '--tlskey', certs.key]);
  cleanups.push(() => nats.stop());
  const url = subjectUrl(`natss://127.0.0.1:${nats.port}`);
  const tls = { ca: readFileSync(certs.ca, 'utf8') };
  const server = await serve(jobs([]), { listen: [url], transports: [natsTransport({ tls })] });
  cleanups.push(() => server.close());
  expect(await (await client(url, { tls })).add({ a: 20, b: 22 })).toBe(42);
  await expect(connect(url, { transports: [natsTransport()] })).rejects.toMatchObject({ code: 'UNAVAILABLE' });
});

it('malformed and oversized bodies from a plain NATS client get named errors; the worker keeps serving', async () => {
  const url = subjectUrl();
  const server = await serve(jobs([]), { listen: [url], transports: [natsTransport({ maxFrameBytes: 4096 })] });
  cleanups.push(() => server.close());
  const nc = await natsConnect({ servers: '127.0.0.1:4222' });
  cleanups.push(() => nc.close());
  const subject = new URL(url).pathname.slice(1);
  const ask = async (body: string) => (await nc.request(subject, body, { timeout: 5000 })).json<Record<string, unknown>>();
  expect(await ask('{"jsonrpc":"2.0","id":1,')).toMatchObject({ id: null, error: { code: -32700 } });
  expect(await ask('\u0000\u00ff')).toMatchObject({ id: null, error: { code: -32700 } });
  expect(await ask(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'add', params: 'x' }))).toMatchObject({
    id: 2,
    error: { code: -32600 },
  });
  const big = JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'add', params: { a: 1, b: 2, pad: 'p'.repeat(8000) } });
  expect(await ask(big)).toMatchObject({ id: 3, error: { data: { code: 'RESOURCE_EXHAUSTED' } } });
  // A plain request: the body is one JSON-RPC request, the reply its response.
  expect(await ask(JSON.stringify({ jsonrpc: '2.0', id: 4, method: 'add', params: [2, 3] }))).toEqual({
    jsonrpc: '2.0',
    id: 4,
    result: 5,
  });
});

it("a message above the NATS server's max_payload: the request is refused at the client, the answer becomes the caller's error; both sides go on", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nats-payload-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'nats.conf'), 'max_payload: 65536\n');
  const nats = await NatsServer.start(['-c', join(dir, 'nats.conf')]);
  cleanups.push(() => nats.stop());
  const url = `nats://127.0.0.1:${nats.port}/payload`;
  // Both sides keep the default maxFrameBytes (16 MiB): the server's 64 KiB, less 1 KiB for headers, is the limit that holds.
  const sized = await exceedMediumLimit(url, natsTransport(), 64512, cleanups);
  // A body that fits, with metadata too large to copy into headers as well: it travels in the body only.
  const meta = { big: 'm'.repeat(2000) };
  expect(await sized.make({ n: 3, pad: 'p'.repeat(62_000) }, { meta })).toBe('xxx');
  // An event too, named as such; one that fits goes out.
  const bus = await openEvents(`nats://127.0.0.1:${nats.port}`, { transports: [natsTransport()] });
  cleanups.push(() => bus.close());
  const got: string[] = [];
  await bus.subscribe('big', (p) => got.push(p));
  await expect(bus.publish('big', 'x'.repeat(65_537))).rejects.toMatchObject({
    code: 'RESOURCE_EXHAUSTED',
    message: expect.stringContaining("exceeds the server's max_payload of 65536"),
  });
  await bus.publish('big', 'x'.repeat(65_536));
  await until(() => got.length === 1, 5000, 'the largest event that fits');
});
