// Two servers in their own processes behind one client (a unix socket and TCP), under load, one
// killed with kill -9: no idempotent call fails and the survivor takes the load; the killed one,
// restarted, comes back into the rotation. And hedging around a server that stopped (SIGSTOP).
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type BalancedChannel, type Channel, connect, createClient, retrying } from '@interoffice/core';
import { Calculator, loadWithKill, ServerProcess, waitFor } from '@interoffice/core/conformance';
import { afterEach, describe, expect, it } from 'vitest';
import { socketTransport } from '../src/index.js';

const fixture = new URL('./fixtures/named-server.mjs', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'io-failover-'));
const transports = [socketTransport()];
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
let n = 0;

async function server(url: string, name: string): Promise<ServerProcess> {
  const p = await ServerProcess.start(fixture, [url, name]);
  cleanups.push(() => p.kill());
  return p;
}

/** Who answers `count` calls made one after another. */
async function whoAnswers(channel: Channel, count: number, timeout = 5000): Promise<string[]> {
  const calc = createClient(Calculator, channel);
  const by: string[] = [];
  for (let i = 0; i < count; i++) await calc.add({ a: 1, b: 1 }, { timeout, onResponseMeta: (m) => by.push(m.server ?? '?') });
  return by;
}

describe.each(['round-robin', 'pick-first'] as const)('kill -9 of one of two servers under load (%s)', (balance) => {
  it('fails no idempotent call; the survivor takes the load; the restarted server comes back', async () => {
    const unix = `unix://${dir}/a-${n++}.sock`;
    const a = await server(unix, 'a');
    const b = await server('tcp://127.0.0.1:0', 'b');
    const balanced = (await connect([a.url, b.url], {
      transports,
      balance,
      health: { intervalMs: 300, timeoutMs: 1000 },
    })) as BalancedChannel;
    const channel = retrying(balanced, { retry: { maxAttempts: 5, initialBackoffMs: 20, maxBackoffMs: 500 } });
    cleanups.push(() => channel.close());
    const report = await loadWithKill(createClient(Calculator, channel), { calls: 2000, concurrency: 16, kill: () => a.kill() });

    expect(report.failures).toEqual([]);
    expect(report.wrong).toBe(0);
    expect(report.answered).toBe(2000);
    if (balance === 'round-robin') expect(Object.keys(report.before).sort()).toEqual(['a', 'b']);
    else expect(report.before.a).toBeGreaterThanOrEqual(500); // every call went to a until it died
    const after = Object.values(report.after).reduce((x, y) => x + y, 0);
    expect(after).toBeGreaterThan(0);
    expect(report.after).toEqual({ b: after }); // the survivor took every call begun after the kill
    expect(report.ms).toBeLessThan(30_000);

    // a, restarted on its path, is checked healthy and takes calls again (round-robin) or stands by (pick-first).
    await server(unix, 'a again');
    await waitFor(() => balanced.endpoints[0]?.state === 'ready', { timeoutMs: 10_000, what: 'a back in the rotation' });
    const by = new Set(await whoAnswers(channel, 6));
    // Round-robin shares the calls again; pick-first stays on b while b serves.
    expect(by).toEqual(new Set(balance === 'round-robin' ? ['a again', 'b'] : ['b']));
  }, 60_000);
});

describe('hedging', () => {
  it('answers every noSideEffects call from the live server while the other is stopped (SIGSTOP)', async () => {
    const a = await server(`unix://${dir}/h-${n++}.sock`, 'a');
    const b = await server('tcp://127.0.0.1:0', 'b');
    // No health checks: only hedging can route around a server that takes calls and never answers.
    const channel = await connect([a.url, b.url], {
      transports,
      balance: 'round-robin',
      health: false,
      hedging: { hedgingDelayMs: 100 },
    });
    cleanups.push(() => channel.close());
    expect(new Set(await whoAnswers(channel, 4))).toEqual(new Set(['a', 'b']));
    a.signal('SIGSTOP');
    cleanups.push(async () => a.signal('SIGCONT'));
    const start = Date.now();
    expect(await whoAnswers(channel, 20, 3000)).toEqual(Array(20).fill('b'));
    // Half the calls went first to the stopped a and were answered by their copy on b: about
    // 100 ms each, far from the 3 s deadline they would otherwise have run into.
    expect(Date.now() - start).toBeLessThan(15_000);
  }, 60_000);

  it('without hedging, a call sent to the stopped server waits for its deadline', async () => {
    const a = await server(`unix://${dir}/h-${n++}.sock`, 'a');
    const b = await server('tcp://127.0.0.1:0', 'b');
    const channel = await connect([a.url, b.url], { transports, balance: 'round-robin', health: false, retry: {} });
    cleanups.push(() => channel.close());
    expect(new Set(await whoAnswers(channel, 4))).toEqual(new Set(['a', 'b']));
    a.signal('SIGSTOP');
    cleanups.push(async () => a.signal('SIGCONT'));
    await expect(whoAnswers(channel, 4, 500)).rejects.toMatchObject({ code: 'DEADLINE_EXCEEDED' });
  }, 30_000);
});

describe('rpc.health from another language', () => {
  it('a Python client asks a server it has only a socket to, as docs/protocol.md shows', async () => {
    const a = await server(`unix://${dir}/py-${n++}.sock`, 'a');
    const script = [
      'import json, socket, sys',
      's = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); f = s.makefile("rwb")',
      'for i, params in enumerate([None, {"service": "Calculator"}, {"service": "Nope"}]):',
      '    msg = {"jsonrpc": "2.0", "id": i, "method": "rpc.health"}',
      '    if params is not None: msg["params"] = params',
      '    f.write(json.dumps(msg).encode() + b"\\n"); f.flush()',
      '    print(f.readline().decode().strip())',
    ].join('\n');
    const { stdout } = await promisify(execFile)('/usr/bin/python3', ['-c', script, new URL(a.url).pathname], {
      timeout: 10_000,
    });
    expect(
      stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown),
    ).toMatchObject([
      { id: 0, result: { status: 'SERVING' } },
      { id: 1, result: { status: 'SERVING' } },
      { id: 2, error: { code: -32005, data: { code: 'NOT_FOUND' } } },
    ]);
  });
});
