/** Peers that do not play by the rules: the server protects itself and keeps serving the others. */
import { connect, createClient, serve } from '@interoffice/core';
import { afterEach, describe, expect, it } from 'vitest';
import { seededRandom } from '@interoffice/core/conformance';
import { inspectShm, shmTransport } from '../src/index.js';
import { SlotState } from '../src/layout.js';
import { STALE_SLOT_MS } from '../src/stale-slots.js';
import { Calculator, calculator, child, cleanUp, cleanups, exited, inProcess, shmUrl, sleep, until } from './helpers.js';
import { RawPeer } from './raw-peer.js';

afterEach(cleanUp);

async function raw(url: string): Promise<RawPeer> {
  const peer = await RawPeer.open(url);
  cleanups.push(() => peer.segment.buffer.byteLength > 0 && peer.close());
  return peer;
}

describe('a peer that does not read its responses', () => {
  it('cannot grow server memory without bound: the server stops taking its requests until it reads', async () => {
    const url = shmUrl();
    const { seen } = await inProcess(url, { maxBufferedBytes: 256 * 1024, ringBytes: 64 * 1024 });
    const peer = await raw(url);
    const requests = 400;
    for (let i = 0; i < requests; i++) peer.send(`{"jsonrpc":"2.0","id":${i},"method":"blob","params":{"bytes":65536}}`);
    // Wait for the server to stop: calls begun, then no new one for 300 ms (a fixed 500 ms passed a
    // server that was merely slow to start). One that never stops runs all 400 in far less than that.
    await until(() => seen.calls > 0);
    for (let last = -1; last !== seen.calls; ) {
      last = seen.calls;
      await sleep(300);
    }
    // 400 responses would be 26 MB; the server stopped after its queue limit plus the ring.
    expect(seen.calls).toBeGreaterThan(0);
    expect(seen.calls).toBeLessThan(20);
    const got = await peer.receive(requests, 20_000);
    expect(got.map((r) => r.id)).toEqual(Array.from({ length: requests }, (_, i) => i)); // nothing lost, in order
    expect(seen.calls).toBe(requests);
  });
});

describe('a peer that corrupts its ring', () => {
  it('is disconnected with a clear reason; the server keeps serving others', async () => {
    const url = shmUrl();
    const warnings: string[] = [];
    const server = await serve(calculator(), {
      listen: [url],
      transports: [shmTransport({ logger: { warn: (m) => void warnings.push(m), error: () => {} } })],
    });
    cleanups.push(() => server.close({ graceMs: 0 }));
    const peer = await raw(url);
    peer.send('{"jsonrpc":"2.0","id":1,"method":"add","params":[1,2]}');
    expect(await peer.receive(1)).toEqual([{ jsonrpc: '2.0', id: 1, result: 3 }]);
    // A record header claiming more bytes than the ring holds, published as if written.
    const head = peer.place.request.head >> 2;
    const at = peer.place.request.data + (Atomics.load(peer.words, head) & (peer.place.request.size - 1));
    peer.words[at >> 2] = 0x7fff0000;
    Atomics.store(peer.words, head, Atomics.load(peer.words, head) + 8);
    peer.serverBell.knock();
    await until(() => peer.slotState() === SlotState.serverClosed);
    expect(warnings.join('\n')).toMatch(/corrupt ring/);
    const channel = await connect(url, { transports: [shmTransport()] });
    cleanups.push(() => channel.close());
    expect(await createClient(Calculator, channel).add({ a: 2, b: 2 })).toBe(4);
    // Once the broken peer leaves, its slot is free again.
    expect(inspectShm(url)).toMatchObject({ clientPids: [process.pid], slotsInUse: 2 });
    peer.close();
    await until(() => inspectShm(url).slotsInUse === 1);
  });

  it('sending malformed frames gets JSON-RPC errors and the connection keeps serving', async () => {
    const url = shmUrl();
    await inProcess(url);
    const peer = await raw(url);
    peer.send('{"jsonrpc":"2.0","id":1,"method":', '', '\u0000garbage', '{"jsonrpc":"2.0","id":2,"method":"add","params":[2,5]}');
    const answers = await peer.receive(4);
    expect(answers.slice(0, 3)).toMatchObject([
      { error: { code: -32700 } },
      { error: { code: -32700 } },
      { error: { code: -32700 } },
    ]);
    expect(answers[3]).toEqual({ jsonrpc: '2.0', id: 2, result: 7 });
  });
});

describe('a process that leaves every slot in a state outside the protocol', () => {
  const transports = [shmTransport()];
  async function calc(url: string) {
    const channel = await connect(url, { transports });
    cleanups.push(() => channel.close());
    return createClient(Calculator, channel);
  }
  function logged() {
    const warnings: string[] = [];
    return { warnings, logger: { warn: (m: string) => void warnings.push(m), error: () => {} } };
  }

  it('and then exits: the next client gets a slot at once, no restart', async () => {
    const url = shmUrl();
    const { warnings, logger } = logged();
    await inProcess(url, { logger }); // 64 slots
    const vandal = await child('vandal.mjs', [url, 'exit']);
    expect(vandal.lines).toEqual(['wrote 64 slots']);
    await exited(vandal.proc);
    expect(inspectShm(url)).toMatchObject({ slotsInUse: 64, clientPids: [] }); // nothing rang the server
    // The client finds no free slot, rings the server, which takes back the slots of the dead owner.
    expect(await (await calc(url)).add({ a: 2, b: 3 })).toBe(5);
    expect(inspectShm(url)).toMatchObject({ slotsInUse: 1, clientPids: [process.pid] });
    expect(warnings.join('\n')).toMatch(
      /took back 64 slot\(s\) left in states outside the protocol: slot 0 \(state 0x3\) as its owner is gone/,
    );
  });

  it(`and stays alive: its slots are taken back after ${STALE_SLOT_MS} ms, and a client connects and calls`, async () => {
    const url = shmUrl();
    const { warnings, logger } = logged();
    await inProcess(url, { logger });
    const vandal = await child('vandal.mjs', [url, 'stay']);
    await until(() => vandal.lines.length > 0);
    const refused = { code: 'RESOURCE_EXHAUSTED', message: expect.stringMatching(/all 64 connections/) };
    await expect(connect(url, { transports })).rejects.toMatchObject(refused);
    const seenAt = Date.now(); // the server first saw the slots at that ring (within the last 100 ms)
    await expect(connect(url, { transports })).rejects.toMatchObject(refused); // its owner lives: not yet
    // One attempt at a time (each waits up to 100 ms for a slot), until one gets in.
    let calls: Awaited<ReturnType<typeof calc>> | undefined;
    for (const deadline = Date.now() + STALE_SLOT_MS + 5000; calls === undefined; ) {
      calls = await calc(url).catch((e: { code?: string }) => {
        if (e.code !== 'RESOURCE_EXHAUSTED' || Date.now() > deadline) throw e;
        return undefined;
      });
    }
    expect(Date.now() - seenAt).toBeGreaterThan(STALE_SLOT_MS - 200);
    expect(await calls.add({ a: 20, b: 22 })).toBe(42);
    expect(vandal.proc.exitCode).toBeNull(); // still running: taken back for time, not for its death
    expect(inspectShm(url).slotsInUse).toBe(1);
    // One line per look that took slots back: all 64, for time, none for a death.
    const tookBack = warnings.map((w) => Number(/took back (\d+) slot/.exec(w)?.[1] ?? 0));
    expect(tookBack.reduce((a, b) => a + b, 0)).toBe(64);
    expect(warnings.join('\n')).toMatch(new RegExp(`as it stayed so ${STALE_SLOT_MS} ms \\(owner pid ${vandal.proc.pid}\\)`));
    expect(warnings.join('\n')).not.toMatch(/its owner is gone/);
  });

  it('over live connections: each is closed (calls aborted, logged); a client that reacts leaves at once, a silent one loses its slot later', async () => {
    const url = shmUrl();
    const { warnings, logger } = logged();
    const { seen } = await inProcess(url, { logger, maxClients: 2 });
    const silent = await RawPeer.open(url); // slot 0: a peer that never looks at its slot
    silent.send('{"jsonrpc":"2.0","id":1,"method":"wait","params":{"ms":60000}}');
    await until(() => seen.calls === 1);
    const client = await calc(url); // slot 1
    expect(await client.add({ a: 1, b: 1 })).toBe(2);
    // Overwrite both slots' states, leaving the owners (this process) as they are.
    await child('vandal.mjs', [url, 'exit', 'states-only']);
    // The client sees its slot is no longer open and leaves; the server frees its slot and closes the other.
    await expect(client.add({ a: 1, b: 2 })).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    await until(() => seen.aborted.length === 1);
    expect(warnings.join('\n')).toMatch(/closed shm client pid \d+ \(slot 0\): its slot's state was overwritten with 0x3/);
    expect(await client.add({ a: 2, b: 2 })).toBe(4); // reconnected, on slot 1 again
    expect(inspectShm(url).slotsInUse).toBe(2); // slot 0's owner lives: not taken back yet
    await until(() => inspectShm(url).slotsInUse === 1, STALE_SLOT_MS + 3000);
    expect(warnings.join('\n')).toMatch(
      new RegExp(`took back 1 slot\\(s\\).*: slot 0 \\(state 0x3\\) as it stayed so ${STALE_SLOT_MS} ms`),
    );
    silent.segment.close(); // it never leaves: its slot was taken back all the same
    expect(await (await calc(url)).add({ a: 3, b: 3 })).toBe(6); // on slot 0
  });
});

describe('fuzzing the records of a ring (seeded; bounded by count and time)', () => {
  it('whatever a peer publishes in its request ring, the server keeps serving others', async () => {
    const url = shmUrl();
    const server = await serve(calculator(), {
      listen: [url],
      transports: [shmTransport({ logger: { warn() {}, error() {} } })],
      logger: { warn() {}, error() {} },
    });
    cleanups.push(() => server.close({ graceMs: 0 }));
    const channel = await connect(url, { transports: [shmTransport()] });
    cleanups.push(() => channel.close());
    const calc = createClient(Calculator, channel);
    const next = seededRandom(20_206);
    const started = Date.now();
    let rounds = 0;
    while (rounds < 30 && Date.now() - started < 4000) {
      rounds++;
      const peer = await raw(url);
      const ring = peer.place.request;
      if (next(3) === 0) peer.send('{"jsonrpc":"2.0","id":1,"method":"add","params":[1,2]}'); // sometimes a good frame first
      // Random words where the next records go, then a head moved by a random amount (at most the ring).
      const head = Atomics.load(peer.words, ring.head >> 2);
      const words = 1 + next(64);
      for (let i = 0; i < words; i++) {
        const at = ring.data + ((head + i * 4) & (ring.size - 1));
        peer.words[at >> 2] = next(4) === 0 ? next(0x10000) : (next(0x10000) << 16) | next(0x10000);
      }
      Atomics.store(peer.words, ring.head >> 2, (head + 4 * next(ring.size / 4 + 1)) >>> 0);
      peer.serverBell.knock();
      expect(await calc.add({ a: rounds, b: 1 }, { timeout: 5000 })).toBe(rounds + 1);
      peer.close();
    }
    // A ring full of garbage keeps the server busy for up to ~0.5 s (each record answered): at least a few rounds fit.
    expect(rounds).toBeGreaterThanOrEqual(5);
    await until(() => inspectShm(url).slotsInUse === 1); // every fuzzed slot came back
  });
});
