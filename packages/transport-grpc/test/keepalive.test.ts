/**
 * Keepalive on gRPC (HTTP/2 PING, as `connect`'s `keepalive` option asks): a server process
 * stopped with SIGSTOP while a call waits on it is noticed within the configured time — the
 * call fails UNAVAILABLE — and after SIGCONT the next call goes through.
 */
import { fork } from 'node:child_process';
import { connect, createClient, type RpcError } from '@interoffice/core';
import { Conformance } from '@interoffice/core/conformance';
import { afterEach, expect, it } from 'vitest';
import { grpcTransport } from '../src/index.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

it('a stopped server is noticed while a call waits; after SIGCONT the next call goes through', async () => {
  const c = fork(new URL('./fixtures/server.mjs', import.meta.url), ['grpc://127.0.0.1:0'], { stdio: 'pipe' });
  cleanups.push(() => {
    c.kill('SIGCONT');
    c.kill('SIGKILL');
  });
  const url = await new Promise<string>((resolve, reject) => {
    c.stdout?.once('data', (t: Buffer) =>
      resolve(
        String(t)
          .trim()
          .replace(/^ready /, ''),
      ),
    );
    c.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  const channel = await connect(url, { transports: [grpcTransport()], keepalive: { intervalMs: 200, timeoutMs: 400 } });
  cleanups.push(() => channel.close());
  const client = createClient(Conformance, channel);
  expect(await client.add({ a: 1, b: 1 })).toBe(2);
  const waiting = client.sleep({ ms: 20_000 }, { timeout: 30_000 }).then(
    () => undefined,
    (e: RpcError) => e,
  );
  await new Promise((r) => setTimeout(r, 50)); // not a condition: the call on its way before the stop
  process.kill(c.pid as number, 'SIGSTOP');
  const stoppedAt = Date.now();
  const e = await waiting;
  expect(Date.now() - stoppedAt).toBeLessThan(5000); // not the call's 20 s (room for a loaded machine)
  expect(e?.code).toBe('UNAVAILABLE');
  process.kill(c.pid as number, 'SIGCONT');
  expect(await client.add({ a: 20, b: 22 }, { waitForReady: true, timeout: 10_000 })).toBe(42);
});
