/** Peers that do not play by the rules: the server protects itself and keeps serving the others. */
import { connect, createClient, serve } from '@interoffice/core';
import { afterEach, describe, expect, it } from 'vitest';
import { inspectShm, shmTransport } from '../src/index.js';
import { SlotState } from '../src/layout.js';
import { Calculator, calculator, cleanUp, cleanups, inProcess, shmUrl, sleep, until } from './helpers.js';
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
    await sleep(500);
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
    expect(answers.slice(0, 3)).toMatchObject([{ error: { code: -32700 } }, { error: { code: -32700 } }, { error: { code: -32700 } }]);
    expect(answers[3]).toEqual({ jsonrpc: '2.0', id: 2, result: 7 });
  });
});
