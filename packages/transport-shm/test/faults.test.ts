/**
 * Peers that die: real processes, killed with SIGKILL mid-call and
 * mid-chunk. The survivor notices at once, frees what the dead one held, and
 * keeps serving (or reconnects to a successor).
 */
import { connect, createClient } from '@interoffice/core';
import { afterEach, describe, expect, it } from 'vitest';
import { inspectShm, shmTransport } from '../src/index.js';
import { Calculator, child, cleanUp, cleanups, exists, inProcess, kill9, shmUrl, sleep, until } from './helpers.js';

afterEach(cleanUp);

async function client(url: string, options = {}) {
  const channel = await connect(url, { transports: [shmTransport(options)] });
  cleanups.push(() => channel.close());
  return createClient(Calculator, channel);
}

describe('a client killed with SIGKILL', () => {
  it('mid-call: the server aborts its handler and frees its slot for the next client', async () => {
    const url = shmUrl();
    const { seen } = await inProcess(url, { maxClients: 1 });
    const { proc } = await child('calc-client.mjs', [url, 'wait']);
    await until(() => seen.calls === 1); // the handler runs
    expect(inspectShm(url).clientPids).toEqual([proc.pid]);
    const killedAt = Date.now();
    await kill9(proc);
    await until(() => seen.aborted.length === 1, 5000);
    expect(Date.now() - killedAt).toBeLessThan(5000); // when the client dies, not at the call's 30 s deadline
    expect(seen.aborted[0]).toMatchObject({ code: 'CANCELLED' });
    // The only slot is free again: a new client gets it.
    await until(() => inspectShm(url).slotsInUse === 0);
    const calc = await client(url);
    expect(await calc.add({ a: 2, b: 3 })).toBe(5);
  });

  it('mid-chunk, its rings half full of a large message: the next client gets clean rings', async () => {
    const url = shmUrl();
    const { seen } = await inProcess(url, { maxClients: 1, ringBytes: 4096 });
    const { proc, lines } = await child('calc-client.mjs', [url, 'big']);
    await until(() => lines.length >= 3); // 200 KB echoes through 4 KB rings: ~50 chunks each way
    await sleep(Math.random() * 20); // not a condition: a random point in the transfer
    await kill9(proc);
    const before = seen.calls;
    await until(() => inspectShm(url).slotsInUse === 0);
    const calc = await client(url);
    const text = 'ø'.repeat(30_000);
    expect(await calc.echo({ text })).toBe(text);
    expect(await calc.add({ a: 1, b: 2 })).toBe(3);
    expect(seen.calls).toBeGreaterThan(before);
  });
});

describe('a server killed with SIGKILL', () => {
  it('mid-call: calls fail with UNAVAILABLE at once, not at their deadline; the client reconnects to its successor', async () => {
    const url = shmUrl();
    const first = await child('calc-server.mjs', [url]);
    const calc = await client(url);
    expect(await calc.add({ a: 1, b: 1 })).toBe(2);
    const pending = Promise.allSettled(Array.from({ length: 10 }, () => calc.wait({ ms: 20_000 }, { timeout: 30_000 })));
    // One ring, read in order: once a later call is answered, the server has the ten.
    expect(await calc.add({ a: 2, b: 2 })).toBe(4);
    const killedAt = Date.now();
    await kill9(first.proc);
    const outcomes = await pending;
    expect(Date.now() - killedAt).toBeLessThan(5000); // when the server dies, not at the calls' 20 s
    for (const o of outcomes) expect(o).toMatchObject({ status: 'rejected', reason: { code: 'UNAVAILABLE' } });
    // While it is down, calls fail fast; its segment stays behind, stale.
    const down = Date.now();
    await expect(calc.add({ a: 1, b: 1 })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringMatching(/is gone/),
    });
    expect(Date.now() - down).toBeLessThan(3000); // at once, not at the call's 30 s deadline
    expect(exists(url)).toBe(true);
    // A successor replaces the stale segment; the next call reconnects to it.
    await child('calc-server.mjs', [url]);
    expect(await calc.add({ a: 20, b: 22 })).toBe(42);
  });

  it('mid-chunk of a large response: the call fails with UNAVAILABLE, nothing half-received is delivered', async () => {
    const url = shmUrl();
    const server = await child('calc-server.mjs', [url, JSON.stringify({ ringBytes: 4096 })]);
    const calc = await client(url);
    expect(await calc.blob({ bytes: 10 })).toBe('x'.repeat(10));
    const big = expect(calc.blob({ bytes: 8_000_000 }, { timeout: 30_000 })).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    await sleep(30); // 8 MB through a 4 KB ring takes far longer than this
    await kill9(server.proc);
    await big;
  });
});

describe('a server that closes', () => {
  it('tells its clients (UNAVAILABLE on their next call) and removes its segment', async () => {
    const url = shmUrl();
    const { server } = await inProcess(url);
    const calc = await client(url);
    expect(await calc.add({ a: 1, b: 2 })).toBe(3);
    await server.close();
    expect(exists(url)).toBe(false);
    await expect(calc.add({ a: 1, b: 2 })).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });

  it('lets calls in flight finish within its grace period', async () => {
    const url = shmUrl();
    const { server } = await inProcess(url);
    const calc = await client(url);
    const slow = calc.wait({ ms: 200 });
    expect(await calc.add({ a: 1, b: 1 })).toBe(2); // answered after the wait was read: it is in flight
    await server.close({ graceMs: 2000 });
    expect(await slow).toBe('waited');
  });
});
