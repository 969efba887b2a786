/**
 * Faults: a server killed with SIGKILL and started again, a server that
 * closes mid-stream, a reader slower than the stream, ports in use, bad
 * URLs, nobody listening, and zod types with no protobuf mapping.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { connect, createClient, defineService, implement, RpcError, serve, serverStream, unary } from '@interoffice/core';
import { Conformance } from '@interoffice/core/conformance';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { grpcTransport, ProtoMappingError } from '../src/index.js';
import { cleanup, cleanups, quiet, serveGrpc, sleep } from './helpers.js';

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
    await sleep(100);
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
    await sleep(150);
    await server.close({ graceMs: 100 });
    const e = await reading;
    expect([e.code, e.message]).toEqual(['UNAVAILABLE', 'the server closed']);
    expect(seen.length).toBeGreaterThan(3);
    for (let i = 0; i < 100 && !stopped; i++) await sleep(20); // the generator finishes its last step
    expect(stopped).toBe(true);
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
    await sleep(200);
    // 100,000 items of 16 KiB would be 1.6 GB; flow control keeps it to a few windows.
    expect(produced).toBeLessThan(2000);
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

  it('ends a waitForReady call at its deadline with DEADLINE_EXCEEDED while nobody listens', async () => {
    const { server, url } = await serveGrpc();
    const channel = await connect(url, { transports });
    cleanups.push(() => channel.close());
    const calc = createClient(Conformance, channel);
    await server.close({ graceMs: 0 });
    const started = Date.now();
    const e = await failure(calc.add({ a: 1, b: 2 }, { waitForReady: true, timeout: 300 }));
    expect(e.code).toBe('DEADLINE_EXCEEDED');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(Date.now() - started).toBeLessThan(2000);
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
    expect((e as Error).message).toBe('faults.Dated.when input.at.day: z.date() has no protobuf mapping (dates are not JSON: use z.iso.datetime(), a string)');
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
