// Two gRPC servers in their own processes behind one client, under load, one killed with kill -9:
// no idempotent call fails and the survivor takes the load; the balancer checks each server with
// grpc.health.v1 and takes the killed one back once it serves again on its port.
import { type BalancedChannel, checkHealth, connect, createClient, retrying } from '@interoffice/core';
import { Calculator, loadWithKill, ServerProcess, waitFor } from '@interoffice/core/conformance';
import { afterEach, describe, expect, it } from 'vitest';
import { grpcTransport } from '../src/index.js';
import { cleanup, cleanups, quiet, serveGrpc } from './helpers.js';

const fixture = new URL('./fixtures/named-server.mjs', import.meta.url).pathname;
const transports = [grpcTransport({ logger: quiet })];
afterEach(cleanup);

async function server(url: string, name: string): Promise<ServerProcess> {
  const p = await ServerProcess.start(fixture, [url, name]);
  cleanups.push(() => p.kill());
  return p;
}

describe('health checks over gRPC', () => {
  it('asks grpc.health.v1.Health/Check: SERVING, NOT_FOUND for an unknown service, NOT_SERVING once closing', async () => {
    const { server: s, url } = await serveGrpc();
    const channel = await connect(url, { transports });
    cleanups.push(() => channel.close());
    expect(channel.health).toBeTypeOf('function');
    const check = (service: string) => checkHealth(channel, { service, deadline: Date.now() + 5000 });
    expect(await check('')).toEqual({ status: 'SERVING' });
    expect(await check('conformance.Conformance')).toEqual({ status: 'SERVING' });
    expect(await check('nope.Nope')).toMatchObject({ status: 'NOT_SERVING', why: { code: 'NOT_FOUND' } });
    await s.close({ graceMs: 0 });
    expect(await check('')).toMatchObject({ status: 'NOT_SERVING' });
  });
});

describe('kill -9 of one of two gRPC servers under load', () => {
  it('fails no idempotent call; the survivor takes the load; the restarted server comes back', async () => {
    const a = await server('grpc://127.0.0.1:0', 'a');
    const b = await server('grpc://127.0.0.1:0', 'b');
    const balanced = (await connect([a.url, b.url], {
      transports,
      balance: 'round-robin',
      health: { intervalMs: 300, timeoutMs: 1000 },
    })) as BalancedChannel;
    const channel = retrying(balanced, { retry: { maxAttempts: 5, initialBackoffMs: 20, maxBackoffMs: 500 } });
    cleanups.push(() => channel.close());
    await waitFor(() => balanced.endpoints.every((e) => e.state === 'ready'));
    const report = await loadWithKill(createClient(Calculator, channel), { calls: 2000, concurrency: 16, kill: () => a.kill() });

    expect(report.failures).toEqual([]);
    expect(report.wrong).toBe(0);
    expect(report.answered).toBe(2000);
    expect(Object.keys(report.before).sort()).toEqual(['a', 'b']);
    const after = Object.values(report.after).reduce((x, y) => x + y, 0);
    expect(after).toBeGreaterThan(0);
    expect(report.after).toEqual({ b: after });
    expect(report.ms).toBeLessThan(30_000);
    await waitFor(() => balanced.endpoints[0]?.state === 'unhealthy', { what: 'a out of the rotation' });

    // a, restarted on its port, passes its health check and takes calls again.
    await server(a.url, 'a again');
    await waitFor(() => balanced.endpoints[0]?.state === 'ready', { timeoutMs: 15_000, what: 'a back in the rotation' });
    const calc = createClient(Calculator, channel);
    const by = new Set<string>();
    for (let i = 0; i < 6; i++) await calc.add({ a: 1, b: 2 }, { onResponseMeta: (m) => by.add(m.server ?? '?') });
    expect(by).toEqual(new Set(['a again', 'b']));
  }, 60_000);
});
