/**
 * Keepalive over a message medium (Redis, NATS), the same two cases for each: with
 * `connect(url, { keepalive })`, a medium that stops answering (SIGSTOP, its connections left
 * open) while a call waits is noticed within the configured time — the call fails UNAVAILABLE
 * saying why, not at its deadline — and once it runs again (SIGCONT) the next call goes
 * through; and a worker busy with a long call is no sign of anything: the medium answers the
 * pings, and the call is not cut short.
 */
import { connect, createClient, serve, type RpcError, type Transport } from '@interoffice/core';
import { Conformance, conformanceImpl, ServerState } from '@interoffice/core/conformance';
import { afterEach, describe, expect, it } from 'vitest';

/** A medium's server process a test may stop and continue, and a fresh endpoint URL on it. */
export interface StoppableMedium {
  readonly url: string;
  signal(signal: NodeJS.Signals): void;
  stop(): Promise<void>;
}

const quiet = { warn: () => {}, error: () => {} };
const keepalive = { intervalMs: 200, timeoutMs: 400 };

export function mediumKeepaliveCases(name: string, start: () => Promise<StoppableMedium>, transport: () => Transport): void {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function world() {
    const medium = await start();
    cleanups.push(() => medium.stop());
    cleanups.push(() => medium.signal('SIGCONT')); // runs first: a test that fails mid-way leaves nothing stopped
    const transports = [transport()];
    const server = await serve(conformanceImpl(new ServerState()), { listen: [medium.url], transports, logger: quiet });
    cleanups.push(() => server.close({ graceMs: 0 }));
    const channel = await connect(medium.url, { transports, keepalive });
    cleanups.push(() => channel.close());
    return { medium, client: createClient(Conformance, channel) };
  }

  describe(`keepalive over ${name}`, () => {
    it(`a stopped ${name} is noticed while a call waits; after SIGCONT the next call goes through`, async () => {
      const { medium, client } = await world();
      expect(await client.add({ a: 1, b: 1 })).toBe(2);
      const waiting = client.sleep({ ms: 20_000 }, { timeout: 30_000 }).then(
        () => undefined,
        (e: RpcError) => e,
      );
      medium.signal('SIGSTOP');
      const stoppedAt = Date.now();
      const e = await waiting;
      // Silence for intervalMs (200), then a ping unanswered for timeoutMs (400): noticed in about 600 ms.
      expect(Date.now() - stoppedAt).toBeLessThan(5000); // not the call's 20 s (room for a loaded machine)
      expect(e?.code).toBe('UNAVAILABLE');
      expect(e?.message).toMatch(/no answer from the medium for \d+ ms, a keepalive ping included/);
      medium.signal('SIGCONT');
      expect(await client.add({ a: 20, b: 22 }, { timeout: 10_000, waitForReady: true })).toBe(42);
    });

    it(`a long call on a busy worker is not cut short: ${name} answers the pings`, async () => {
      const { client } = await world();
      expect(await client.sleep({ ms: 1500 })).toBe('slept'); // seven keepalive periods without an answer from the worker
    });
  });
}
