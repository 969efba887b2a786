/**
 * Resumable streams, what the wire and the handler see: item ids on the
 * wire, `resumeAfter` reaching the handler, and the mistakes each side can
 * make refused by name. The drop-and-resume itself is the conformance case
 * `resumable-stream` (every transport) and each transport's resumable test.
 */
import { z } from 'zod';
import { afterEach, describe, expect, it } from 'vitest';
import {
  connect,
  createClient,
  defineService,
  encodeItem,
  encodeRequest,
  implement,
  memoryTransport,
  openRpcDocument,
  serve,
  serverStream,
  tracked,
  type FrameTransport,
} from '../src/index.js';

const Feed = defineService('Feed', {
  ticks: serverStream({ input: z.object({ count: z.number() }), output: z.number(), resumable: true }),
  plain: serverStream({ input: z.object({ count: z.number() }), output: z.number() }),
});

let untracked = false;
const impl = implement(Feed, {
  ticks: async function* ({ count }, ctx) {
    for (let i = ctx.resumeAfter === undefined ? 0 : Number(ctx.resumeAfter) + 1; i < count; i++) {
      yield untracked && i === 2 ? (i as never) : tracked(String(i), i);
    }
  },
  plain: async function* ({ count }) {
    for (let i = 0; i < count; i++) yield i;
  },
});

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  untracked = false;
  for (const c of cleanups.splice(0).reverse()) await c();
});

let n = 0;
async function world() {
  const transports = [memoryTransport()];
  const url = `memory://resumable-${n++}`;
  const server = await serve(impl, { listen: [url], transports, logger: { warn: () => {}, error: () => {} } });
  cleanups.push(() => server.close({ graceMs: 0 }));
  const frames: string[] = [];
  const raw = await (transports[0] as FrameTransport).connect(new URL(url), {
    frame: (f) => void frames.push(f),
    oversized: () => {},
    drain: () => {},
    closed: () => {},
  });
  cleanups.push(() => raw.close());
  const channel = await connect(url, { transports });
  cleanups.push(() => channel.close());
  /** Send `frame`, wait for the answer to call `id` to end, return every frame of it. */
  const exchange = async (frame: string, id: number): Promise<Record<string, unknown>[]> => {
    raw.send(frame);
    const mine = (): Record<string, unknown>[] =>
      frames.map((f) => JSON.parse(f) as Record<string, unknown>).filter((m) => m.id === id);
    for (let t = 0; t < 200 && !mine().some((m) => 'result' in m || 'error' in m); t++)
      await new Promise((r) => setTimeout(r, 5));
    return mine();
  };
  return { exchange, client: createClient(Feed, channel) };
}

describe('resumable streams', () => {
  it('send each item with its id, and resume after the id a request names', async () => {
    const { exchange } = await world();
    const first = await exchange(encodeRequest(1, 'Feed.ticks', { count: 3 }, undefined, 5000), 1);
    expect(first).toEqual([
      { jsonrpc: '2.0', id: 1, item: 0, itemId: '0' },
      { jsonrpc: '2.0', id: 1, item: 1, itemId: '1' },
      { jsonrpc: '2.0', id: 1, item: 2, itemId: '2' },
      { jsonrpc: '2.0', id: 1, result: null },
    ]);
    const resumed = await exchange(encodeRequest(2, 'Feed.ticks', { count: 4 }, undefined, 5000, undefined, '1'), 2);
    expect(resumed.map((m) => m.item ?? 'end')).toEqual([2, 3, 'end']);
  });

  it('the typed client reads the items without their ids', async () => {
    const { client } = await world();
    const got: number[] = [];
    for await (const x of client.ticks({ count: 4 })) got.push(x);
    expect(got).toEqual([0, 1, 2, 3]);
  });

  it('refuse resumeAfter for a method that is not resumable, and one that is no item id', async () => {
    const { exchange } = await world();
    const [plain] = await exchange(encodeRequest(3, 'Feed.plain', { count: 3 }, undefined, 5000, undefined, '1'), 3);
    expect(plain).toMatchObject({
      error: { data: { code: 'INVALID_ARGUMENT' }, message: expect.stringMatching(/not a resumable stream/) },
    });
    const bad = '{"jsonrpc":"2.0","id":4,"method":"Feed.ticks","params":{"count":3},"resumeAfter":7}';
    const [wrong] = await exchange(bad, 4);
    expect(wrong).toMatchObject({
      error: { data: { code: 'INVALID_ARGUMENT' }, message: expect.stringMatching(/resumeAfter must be an item id/) },
    });
  });

  it('fail the stream INTERNAL when a resumable handler yields an item without an id', async () => {
    untracked = true;
    const { client } = await world();
    const got: number[] = [];
    const error = await (async () => {
      for await (const x of client.ticks({ count: 4 })) got.push(x);
    })().catch((e: unknown) => e);
    expect(got).toEqual([0, 1]);
    expect(error).toMatchObject({ code: 'INTERNAL', message: expect.stringMatching(/without an id/) });
  });

  it('tracked() takes ids of 1 to 256 characters; serverStream takes resumable true or false', () => {
    expect(() => tracked('', 1)).toThrow(TypeError);
    expect(() => tracked('x'.repeat(257), 1)).toThrow(TypeError);
    expect(() => tracked(7 as never, 1)).toThrow(TypeError);
    expect(tracked('x'.repeat(256), 1).value).toBe(1);
    expect(() => serverStream({ input: z.number(), output: z.number(), resumable: 'yes' as never })).toThrow(/resumable must be/);
    expect(Feed.methods.plain.resumable).toBeUndefined();
  });

  it('encodes item ids, and shows resumable methods in OpenRPC', () => {
    expect(encodeItem(1, 5, 'a"b')).toBe('{"jsonrpc":"2.0","id":1,"item":5,"itemId":"a\\"b"}');
    const doc = openRpcDocument([Feed]) as { methods: Record<string, unknown>[] };
    expect(doc.methods.find((m) => m.name === 'Feed.ticks')).toMatchObject({ 'x-interoffice-resumable': true });
    expect(doc.methods.find((m) => m.name === 'Feed.plain')).not.toHaveProperty('x-interoffice-resumable');
  });
});
