/**
 * Keepalive over NATS: with `connect(url, { keepalive })`, a NATS server that stops answering
 * (SIGSTOP, its connections left open) while a call waits is noticed within the configured
 * time — the call fails UNAVAILABLE saying why, not at its deadline — and once it runs
 * again (SIGCONT) the next call connects anew. A worker busy with a long call is no sign of
 * anything: the NATS server answers the pings, and the call is not cut short.
 */
import { connect, createClient, serve, type RpcError } from '@interoffice/core';
import { Conformance, conformanceImpl, ServerState } from '@interoffice/core/conformance';
import { afterEach, describe, expect, it } from 'vitest';
import { natsTransport } from '../src/index.js';
import { NatsServer } from './nats-server.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const quiet = { warn: () => {}, error: () => {} };
const keepalive = { intervalMs: 200, timeoutMs: 400 };

async function world() {
  const nats = await NatsServer.start();
  cleanups.push(() => nats.stop());
  cleanups.push(() => nats.signal('SIGCONT')); // runs first: a test that fails mid-way leaves no stopped Redis
  const url = `${nats.url}/keepalive`;
  const state = new ServerState();
  const transports = [natsTransport({ logger: quiet })];
  const server = await serve(conformanceImpl(state), { listen: [url], transports, logger: quiet });
  cleanups.push(() => server.close({ graceMs: 0 }));
  const channel = await connect(url, { transports, keepalive });
  cleanups.push(() => channel.close());
  return { nats, client: createClient(Conformance, channel) };
}

describe('keepalive over NATS', () => {
  it('a stopped NATS server is noticed while a call waits; after SIGCONT the next call goes through', async () => {
    const { nats, client } = await world();
    expect(await client.add({ a: 1, b: 1 })).toBe(2);
    const waiting = client.sleep({ ms: 20_000 }, { timeout: 30_000 }).then(
      () => undefined,
      (e: RpcError) => e,
    );
    nats.signal('SIGSTOP');
    const stoppedAt = Date.now();
    const e = await waiting;
    // Silence for intervalMs (200), then a PING (flush) unanswered for timeoutMs (400): noticed in about 600 ms.
    expect(Date.now() - stoppedAt).toBeLessThan(5000); // not the call's 20 s (room for a loaded machine)
    expect(e?.code).toBe('UNAVAILABLE');
    expect(e?.message).toMatch(/no answer from the medium for \d+ ms, a keepalive ping included/);
    nats.signal('SIGCONT');
    expect(await client.add({ a: 20, b: 22 }, { timeout: 10_000, waitForReady: true })).toBe(42);
  });

  it('a long call on a worker that is busy is not cut short: the NATS server answers the pings', async () => {
    const { client } = await world();
    expect(await client.sleep({ ms: 1500 })).toBe('slept'); // seven keepalive periods without an answer from the worker
  });
});
