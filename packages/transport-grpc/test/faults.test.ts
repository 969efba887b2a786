/**
 * Faults: a server killed with SIGKILL and started again, a server that
 * closes mid-stream, a reader slower than the stream, a client that opens
 * thousands of streams and reads none, ports in use, bad URLs, nobody
 * listening, and zod types with no protobuf mapping.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { connect, createClient, defineService, implement, RpcError, serve, serverStream, unary } from '@interoffice/core';
import { Conformance, conformanceImpl, ServerState } from '@interoffice/core/conformance';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { grpcTransport, ProtoMappingError, type GrpcTransportOptions } from '../src/index.js';
import { cleanup, cleanups, quiet, serveGrpc, sleep, until } from './helpers.js';

afterEach(cleanup);

const transports = [grpcTransport({ logger: quiet })];

function child(url: string): Promise<{ process: ChildProcess; url: string }> {
  const c = fork(new URL('./fixtures/server.mjs', import.meta.url), [url], { stdio: 'pipe' });
  cleanups.push(() => c.kill('SIGKILL'));
  return new Promise((resolve, reject) => {
    c.stdout?.setEncoding('utf8').on('data', (text: string) => {
      const m = /ready (\S+)/.exec(text);
      if (m?.[1] !== undefined) resolve({ process: c, url: m[1] });
    });
    c.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

async function failure(p: Promise<unknown>): Promise<RpcError> {
  const e = await p.then(
    () => new Error('expected a failure'),
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(RpcError);
  return e as RpcError;
}

describe('a server process killed with SIGKILL', () => {
  it('fails the calls in flight with UNAVAILABLE, and serves again once restarted', async () => {
    const first = await child('grpc://127.0.0.1:0');
    const channel = await connect(first.url, { transports });
    cleanups.push(() => channel.close());
    const calc = createClient(Conformance, channel);
    expect(await calc.add({ a: 1, b: 2 })).toBe(3);
    const inFlight = calc.sleep({ ms: 10_000 });
    inFlight.catch(() => {}); // awaited below
    // Streams open in order on the one connection: once a later call is answered, the server has the sleep.
    expect(await calc.add({ a: 2, b: 2 })).toBe(4);
    first.process.kill('SIGKILL');
    expect((await failure(inFlight)).code).toBe('UNAVAILABLE');
    expect((await failure(calc.add({ a: 1, b: 1 }))).code).toBe('UNAVAILABLE');
    const waiting = calc.add({ a: 20, b: 22 }, { waitForReady: true, timeout: 10_000 });
    await child(first.url); // the same port
    expect(await waiting).toBe(42);
  });
});

describe('a server that closes', () => {
  it('ends a stream in flight with an error, and stops its handler', async () => {
    let stopped = false;
    const Ticks = defineService('faults.Ticks', { ticks: serverStream({ input: z.object({}), output: z.number() }) });
    const { server, url } = await serveGrpc(
      {},
      implement(Ticks, {
        ticks: async function* (_i, ctx) {
          try {
            for (let i = 0; !ctx.signal.aborted; i++) {
              yield i;
              await sleep(10);
            }
          } finally {
            stopped = true;
          }
        },
      }),
    );
    const channel = await connect(url, { transports });
    cleanups.push(() => channel.close());
    const seen: number[] = [];
    const reading = failure(
      (async () => {
        for await (const n of createClient(Ticks, channel).ticks({})) seen.push(n);
      })(),
    );
    await until(() => seen.length > 3, 5000, 'items streaming');
    await server.close({ graceMs: 100 });
    const e = await reading;
    expect([e.code, e.message]).toEqual(['UNAVAILABLE', 'the server closed']);
    expect(seen.length).toBeGreaterThan(3);
    await until(() => stopped, 2000, 'the generator to finish its last step');
  });
});

describe('a reader slower than the stream', () => {
  it('holds the handler back instead of buffering everything', async () => {
    let produced = 0;
    const Flood = defineService('faults.Flood', { flood: serverStream({ input: z.object({}), output: z.string() }) });
    const { url } = await serveGrpc(
      {},
      implement(Flood, {
        flood: async function* () {
          for (let i = 0; i < 100_000; i++) {
            produced++;
            yield 'x'.repeat(16 * 1024);
          }
        },
      }),
    );
    const channel = await connect(url, { transports });
    cleanups.push(() => channel.close());
    let read = 0;
    for await (const _ of createClient(Flood, channel).flood({})) {
      if (++read === 5) break;
      await sleep(100);
    }
    // Wait for the producer to stop: no new item for 300 ms. Without flow control it would have made
    // thousands long before (it produces as fast as it can), so the bound below still fails it.
    for (let last = -1; last !== produced; ) {
      last = produced;
      await sleep(300);
    }
    // 100,000 items of 16 KiB would be 1.6 GB; flow control keeps it to a few windows.
    expect(produced).toBeLessThan(2000);
  });
});

describe('a client that opens thousands of streams and reads none (#20: 5,000 took a server from 79 to 334 MB)', () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  /** What the server holds: the JS heap and the buffers outside it, after collecting garbage. */
  const held = (): number => {
    gc();
    gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const MiB = 1024 * 1024;

  const Unread = defineService('faults.Unread', {
    items: serverStream({ input: z.object({}), output: z.string() }),
    ping: unary({ input: z.object({}), output: z.string() }),
  });

  /** A server whose stream yields 16 KiB items until the caller leaves, counting the handlers running. */
  async function floodServer(options: GrpcTransportOptions) {
    const state = { running: 0, max: 0 };
    const impl = implement(Unread, {
      items: async function* (_input, ctx) {
        state.max = Math.max(state.max, ++state.running);
        try {
          while (!ctx.signal.aborted) yield 'x'.repeat(16 * 1024);
        } finally {
          state.running--;
        }
      },
      ping: () => 'pong',
    });
    const { url } = await serveGrpc(options, impl);
    const channel = await connect(url, { transports });
    cleanups.push(() => channel.close());
    return { url, state, client: createClient(Unread, channel) };
  }

  /** The flood, from a stock grpc-js client in its own process: `channels` connections × `streams` calls, none read. */
  async function flood(url: string, channels: number, streams: number) {
    const c = fork(new URL('./fixtures/flood.mjs', import.meta.url), [url, '/faults.Unread/Items', `${channels}`, `${streams}`]);
    cleanups.push(() => c.kill('SIGKILL'));
    await once(c, 'message');
    return {
      process: c,
      async calls(): Promise<{ open: number; ended: Record<string, number> }> {
        c.send('count');
        return (await once(c, 'message'))[0] as { open: number; ended: Record<string, number> };
      },
    };
  }

  it('lets each connection run 100 at once (maxConcurrentStreams) while the rest wait in the client; the server stays small and answers others', async () => {
    const { url, state, client } = await floodServer({});
    const before = held();
    const f = await flood(url, 4, 1250); // 5,000 streams over 4 connections
    await until(() => state.running >= 400, 15_000, '100 streams running per connection');
    // Another caller is answered throughout.
    for (let i = 0; i < 20; i++) {
      const started = Date.now();
      expect(await client.ping({}, { timeout: 5000 })).toBe('pong');
      expect(Date.now() - started).toBeLessThan(3000); // answered among 5,000 streams, not queued behind them
    }
    expect(state.max).toBe(400);
    expect(await f.calls()).toEqual({ open: 5000, ended: {} }); // none refused: they wait their turn
    // Measured: ~10 MiB for the 400 streams (a few items each); 16 items a stream, as grpc-js
    // buffers them, would be ~100 MiB, and all 5,000 streams at once some 1.3 GiB.
    const grown = held() - before;
    expect(grown, `${(grown / MiB).toFixed(1)} MiB`).toBeLessThan(40 * MiB);
  });

  it('refuses calls past maxCallsInFlight, over all connections, with RESOURCE_EXHAUSTED, and serves again once they end', async () => {
    const warnings: string[] = [];
    const { url, state, client } = await floodServer({
      maxCallsInFlight: 50,
      logger: { warn: (m) => warnings.push(m), error: () => {} },
    });
    const f = await flood(url, 3, 100);
    const refused = async (): Promise<number> => (await f.calls()).ended.RESOURCE_EXHAUSTED ?? 0;
    await until(async () => state.running + (await refused()) >= 300, 15_000, 'every stream to run or be refused');
    expect([state.running, state.max, await refused()]).toEqual([50, 50, 250]);
    const e = await failure(client.ping({}));
    expect([e.code, e.message]).toEqual(['RESOURCE_EXHAUSTED', 'the server has 50 calls in flight, its limit: try again later']);
    expect(warnings).toEqual([
      `${url}: 50 calls in flight (maxCallsInFlight): refused 1 with RESOURCE_EXHAUSTED since the last report`,
    ]);
    f.process.kill('SIGKILL'); // the flood leaves: its calls end
    await until(() => state.running === 0, 10_000, 'the flood’s handlers to end');
    expect(await client.ping({})).toBe('pong');
  });

  it('refuses nonsense limits, naming them', () => {
    expect(() => grpcTransport({ maxCallsInFlight: 0 })).toThrow(
      'grpcTransport: maxCallsInFlight must be a whole number from 1 to',
    );
    expect(() => grpcTransport({ maxConcurrentStreams: 2 ** 32 })).toThrow(
      'grpcTransport: maxConcurrentStreams must be a whole number from 1 to 4294967295',
    );
  });
});

describe('addresses', () => {
  it('refuses a port in use with ALREADY_EXISTS', async () => {
    const { url } = await serveGrpc();
    const e = await failure(serve([], { listen: [url], transports }));
    expect(e.code).toBe('ALREADY_EXISTS');
  });

  it('refuses URLs that are not grpc://host:port', async () => {
    await expect(connect('grpc://127.0.0.1', { transports })).rejects.toThrow(/host:port/);
    await expect(connect('grpc://127.0.0.1:5000/path', { transports })).rejects.toThrow(/host:port/);
  });

  it('fails to connect with UNAVAILABLE when nobody listens', async () => {
    const { server, url } = await serveGrpc();
    await server.close({ graceMs: 0 });
    const started = Date.now();
    const e = await failure(connect(url, { transports }));
    expect(e.code).toBe('UNAVAILABLE');
    expect(e.message).toContain(url);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('connects lazily: a client made before its server waits for it with waitForReady, fails fast without', async () => {
    // A port nobody listens on yet: take one from the OS, then let it go.
    const { server: first, url } = await serveGrpc();
    await first.close({ graceMs: 0 });
    const channel = await connect(url, { transports, lazy: true });
    cleanups.push(() => channel.close());
    const calc = createClient(Conformance, channel);
    expect((await failure(calc.add({ a: 1, b: 2 }))).code).toBe('UNAVAILABLE');
    const pending = calc.add({ a: 2, b: 5 }, { waitForReady: true, timeout: 10_000 });
    const server = await serve(conformanceImpl(new ServerState()), {
      listen: [url],
      transports: [grpcTransport({ logger: quiet })],
      logger: quiet,
    });
    cleanups.push(() => server.close({ graceMs: 0 }));
    expect(await pending).toBe(7);
  });

  it('ends a waitForReady call at its deadline with DEADLINE_EXCEEDED while nobody listens', async () => {
    const { server, url } = await serveGrpc();
    const channel = await connect(url, { transports });
    cleanups.push(() => channel.close());
    const calc = createClient(Conformance, channel);
    await server.close({ graceMs: 0 });
    const started = Date.now();
    const e = await failure(calc.add({ a: 1, b: 2 }, { waitForReady: true, timeout: 300 }));
    expect(e.code).toBe('DEADLINE_EXCEEDED');
    expect(e.message).toBe('deadline exceeded waiting for the response'); // as on every transport, not grpc-js's text
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(Date.now() - started).toBeLessThan(3000); // its 300 ms deadline, not grpc-js's own retries
    // A deadline already past fails at once, without sending.
    expect((await failure(calc.add({ a: 1, b: 2 }, { timeout: 0 }))).code).toBe('DEADLINE_EXCEEDED');
  });
});

describe('zod types with no protobuf mapping', () => {
  const Dated = defineService('faults.Dated', {
    ok: unary({ input: z.object({ a: z.number() }), output: z.number() }),
    when: unary({ input: z.object({ at: z.object({ day: z.date() }) }), output: z.string() }),
  });
  const impl = implement(Dated, { ok: ({ a }) => a, when: () => 'never' });

  it('stop a server from listening, with an error naming the field', async () => {
    const e = await serve(impl, { listen: ['grpc://127.0.0.1:0'], transports, logger: quiet }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ProtoMappingError);
    expect((e as Error).message).toBe(
      'faults.Dated.when input.at.day: z.date() has no protobuf mapping (dates are not JSON: use z.iso.datetime(), a string)',
    );
  });

  it('fail that method’s calls on a client, naming the field, while the others work', async () => {
    const Ok = defineService('faults.Dated', { ok: unary({ input: z.object({ a: z.number() }), output: z.number() }) });
    const { url } = await serveGrpc({}, implement(Ok, { ok: ({ a }) => a }));
    const channel = await connect(url, { transports });
    cleanups.push(() => channel.close());
    const client = createClient(Dated, channel);
    expect(await client.ok({ a: 4 })).toBe(4);
    const e = await failure(client.when({ at: { day: new Date() } }));
    expect(e.code).toBe('UNIMPLEMENTED');
    expect(e.message).toMatch(/input\.at\.day: z\.date\(\) has no protobuf mapping/);
  });
});
