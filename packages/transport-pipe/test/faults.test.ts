/**
 * Peers that vanish. Each side learns at once from end-of-file or a broken
 * pipe, never by polling in a loop: the survivor's CPU stays idle.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { connect, createClient, serve } from '@interoffice/core';
import { afterEach, describe, expect, it } from 'vitest';
import { pipeTransport } from '../src/index.js';
import { calculator, Calculator, Child, cpuMs, fixture, freshPath, quiet, sleep, type Seen } from './helpers.js';
import { until } from '../../core/test/shared/until.js';

const transports = [pipeTransport()];
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** CPU milliseconds this process uses over `ms` of idle waiting. */
async function ownCpuOver(ms: number): Promise<number> {
  const before = process.cpuUsage();
  await sleep(ms);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

describe('a client that dies', () => {
  it('mid-call: the server aborts its handler, removes its FIFOs, keeps serving, and stays idle', async () => {
    const seen: Seen = { calls: 0, aborted: [], echoed: [] };
    const dir = freshPath('client-dies');
    const server = await serve(calculator(seen), { listen: [`fifo://${dir}`], transports, logger: quiet });
    cleanups.push(() => server.close({ graceMs: 0 }));
    const client = new Child(process.execPath, [fixture('fifo-writer.mjs'), `fifo://${dir}`, 'k', '1', '10', '--hold']);
    cleanups.push(() => client.kill());
    await client.line(/ok 1/);
    await until(() => seen.calls === 2); // the echo, then the wait it holds
    client.kill('SIGKILL');
    await until(() => seen.aborted.length === 1);
    expect(seen.aborted[0]).toMatchObject({ code: 'CANCELLED' });
    await until(() => readdirSync(dir).length === 1);
    expect(readdirSync(dir)).toEqual(['requests']);
    expect(await ownCpuOver(1000)).toBeLessThan(300); // a busy loop on end-of-file would use ~1000
    const calc = createClient(Calculator, await connect(`fifo://${dir}`, { transports }));
    expect(await calc.add({ a: 2, b: 3 })).toBe(5);
  });

  it('before writing anything: the server notices it left, and drops its connection', async () => {
    const dir = freshPath('silent');
    const server = await serve(calculator(), {
      listen: [`fifo://${dir}`],
      transports: [pipeTransport({ connectTimeoutMs: 200 })],
      logger: quiet,
    });
    cleanups.push(() => server.close({ graceMs: 0 }));
    // A raw peer: makes its pair, asks for a connection, reads the ready line, then never opens its .req.
    const script = `
import os, select, sys
d = sys.argv[1]
os.mkfifo(d + "/quiet.req", 0o600); os.mkfifo(d + "/quiet.res", 0o600)
res = os.open(d + "/quiet.res", os.O_RDONLY | os.O_NONBLOCK)
os.write(os.open(d + "/requests", os.O_WRONLY), b'{"jsonrpc":"2.0","method":"rpc.fifo.open","params":{"id":"quiet"}}\\n')
select.select([res], [], [], 5)  # a read before the server opens its end would see end-of-file
print(os.read(res, 4096).decode().strip(), flush=True)
sys.stdin.read()
`;
    const peer = new Child('/usr/bin/python3', ['-c', script, dir]);
    cleanups.push(() => peer.kill());
    await peer.line(/rpc\.fifo\.ready/, 3000);
    expect(readdirSync(dir).sort()).toEqual(['quiet.req', 'quiet.res', 'requests']);
    peer.kill('SIGKILL');
    await until(() => readdirSync(dir).length === 1);
  });
});

describe('a server that dies', () => {
  it('fails pending calls with UNAVAILABLE at once; calls wait for a restart without spinning', async () => {
    const dir = freshPath('server-dies');
    const url = `fifo://${dir}`;
    const first = new Child(process.execPath, [fixture('calc-server.mjs'), url]);
    cleanups.push(() => first.kill());
    await first.line(/ready/);
    const channel = await connect(url, { transports });
    cleanups.push(() => channel.close());
    const calc = createClient(Calculator, channel);
    expect(await calc.add({ a: 1, b: 1 })).toBe(2);
    const pending = Array.from({ length: 5 }, () => calc.wait({ ms: 20_000 }, { timeout: 30_000 }));
    await until(() => first.stderr.match(/^waiting$/gm)?.length === 5); // all five are running on the server
    const killedAt = Date.now();
    first.kill('SIGKILL');
    for (const p of pending) await expect(p).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(Date.now() - killedAt).toBeLessThan(5000); // not at the 30 s deadline (room for a loaded machine)
    await expect(calc.add({ a: 1, b: 1 })).rejects.toMatchObject({ code: 'UNAVAILABLE', message: /nobody reads/ });

    const waiting = calc.add({ a: 20, b: 22 }, { waitForReady: true, timeout: 20_000 });
    expect(await ownCpuOver(1000)).toBeLessThan(300); // retries back off; nothing spins
    const second = new Child(process.execPath, [fixture('calc-server.mjs'), url]);
    cleanups.push(() => second.kill());
    await second.line(/ready/);
    expect(await waiting).toBe(42);
  });

  it('leaves the surviving server process idle after its clients die', async () => {
    const dir = freshPath('idle');
    const server = new Child(process.execPath, [fixture('calc-server.mjs'), `fifo://${dir}`]);
    cleanups.push(() => server.kill());
    await server.line(/ready/);
    const clients = ['x', 'y', 'z'].map(
      (l) => new Child(process.execPath, [fixture('fifo-writer.mjs'), `fifo://${dir}`, l, '4', '100000', '--hold']),
    );
    for (const c of clients) cleanups.push(() => c.kill());
    for (const c of clients) await c.line(/ok 4/);
    for (const c of clients) c.kill('SIGKILL');
    await until(() => readdirSync(dir).length === 1);
    await sleep(200); // not a condition: the server's own clean-up after the deaths settles before the idle second is measured
    const pid = server.process.pid as number;
    const before = cpuMs(pid);
    await sleep(1000);
    expect(cpuMs(pid) - before).toBeLessThan(250); // the feature: a server spinning on dead FIFOs would use ~1000 ms of CPU in this second; idle uses next to none
    expect(readdirSync(join(dir))).toEqual(['requests']);
  });
});
