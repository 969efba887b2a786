/**
 * Credit for a server stream's items, as a wire peer sees it: the server sends no item beyond
 * the credit, and a stream whose last item spends the last credit still ends at once (it waits
 * for credit before an item, never after one).
 */
import { z } from 'zod';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../src/conformance/testing.js';
import {
  defineService,
  encodeRequest,
  implement,
  memoryTransport,
  serve,
  serverStream,
  type FrameTransport,
} from '../src/index.js';

const Numbers = defineService('Numbers', {
  upTo: serverStream({ input: z.object({ count: z.number() }), output: z.number() }),
});
let produced = 0;
const impl = implement(Numbers, {
  upTo: async function* ({ count }) {
    for (let i = 0; i < count; i++) {
      produced++;
      yield i;
    }
  },
});

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  produced = 0;
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function peer() {
  const transports = [memoryTransport()];
  const server = await serve(impl, { listen: ['memory://credit'], transports });
  cleanups.push(() => server.close({ graceMs: 0 }));
  const frames: Record<string, unknown>[] = [];
  const conn = await (transports[0] as FrameTransport).connect(new URL('memory://credit'), {
    frame: (f) => void frames.push(JSON.parse(f) as Record<string, unknown>),
    oversized: () => {},
    drain: () => {},
    closed: () => {},
  });
  cleanups.push(() => conn.close());
  const settle = () => new Promise((r) => setTimeout(r, 50)); // not a condition: time for a server that ignored credit to run ahead
  // The stream's end: its result (or error) frame, within 2 s.
  const ended = (id: number) =>
    waitFor(() => frames.some((f) => f.id === id && ('result' in f || 'error' in f)), {
      timeoutMs: 2000,
      what: `call ${id} ended`,
    });
  return { frames, send: (f: string) => conn.send(f), settle, ended };
}

describe('credit for stream items', () => {
  it('sends no item beyond the credit, and more as it is granted', async () => {
    const { frames, send, settle, ended } = await peer();
    send(encodeRequest(1, 'Numbers.upTo', { count: 10 }, undefined, 5000, 3));
    await settle();
    expect(frames.map((f) => f.item)).toEqual([0, 1, 2]);
    expect(produced).toBeLessThanOrEqual(4); // the fourth waits for credit
    send('{"jsonrpc":"2.0","method":"rpc.credit","params":{"id":1,"n":7}}');
    await ended(1);
    expect(frames.map((f) => f.item ?? f.result)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, null]);
  });

  it('ends a stream whose last item spent the last credit, without another grant', async () => {
    const { frames, send, ended } = await peer();
    send(encodeRequest(2, 'Numbers.upTo', { count: 3 }, undefined, 5000, 3));
    await ended(2);
    expect(frames.map((f) => ('item' in f ? f.item : f.result))).toEqual([0, 1, 2, null]);
  });
});
