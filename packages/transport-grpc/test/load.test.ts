/**
 * Load: rounds of many unary calls and server streams at once over a few
 * connections — more at once than a connection may carry (maxConcurrentStreams
 * is 32 here), so the gRPC clients queue the rest on their side. Every call is
 * answered with its own result, every stream's items arrive complete and in
 * order, streams a client leaves early stop on the server, and nothing is
 * refused. After each round no handler is left running, and the heap has not
 * grown with the calls served. Bounded by count (ROUNDS × CHANNELS × (UNARY +
 * STREAMS) calls) and time.
 */
import { connect, createClient, defineService, implement, serverStream, unary, type Channel } from '@interoffice/core';
import { settledHeap } from '@interoffice/core/conformance';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { grpcTransport } from '../src/index.js';
import { cleanup, cleanups, quiet, serveGrpc, until } from './helpers.js';

afterEach(cleanup);

const ROUNDS = 6;
const CHANNELS = 4;
const UNARY = 250; // per channel and round
const STREAMS = 25; // per channel and round
const ITEMS = 100; // per stream; every fifth stream is left after 10
const PER_CONNECTION = 32;

const heap = settledHeap;

const Load = defineService('load.Load', {
  work: unary({
    input: z.object({ n: z.int(), text: z.string() }),
    output: z.object({ n: z.int(), text: z.string(), length: z.int() }),
  }),
  count: serverStream({ input: z.object({ from: z.int(), items: z.int() }), output: z.int() }),
});

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function loadImpl(state: { running: number; served: number }) {
  return implement(Load, {
    work: async ({ n, text }) => {
      state.running++;
      try {
        if (n % 3 === 0) await tick(); // some answer later, out of order
        state.served++;
        return { n, text: text.toUpperCase(), length: text.length };
      } finally {
        state.running--;
      }
    },
    count: async function* ({ from, items }) {
      state.running++;
      try {
        for (let i = 0; i < items; i++) {
          if (i % 10 === 0) await tick();
          yield from + i;
        }
        state.served++;
      } finally {
        state.running--;
      }
    },
  });
}

/** One channel's share of a round: its calls and streams at once, every answer checked; the number of mistakes. */
async function round(channel: Channel, base: number): Promise<number> {
  const load = createClient(Load, channel);
  let wrong = 0;
  const calls = Array.from({ length: UNARY }, async (_, i) => {
    const n = base + i;
    const text = `${n}:${'é'.repeat(i % 25 === 0 ? 16 * 1024 : 8)}`; // a few large ones, for flow control
    const out = await load.work({ n, text });
    if (out.n !== n || out.text !== text.toUpperCase() || out.length !== text.length) wrong++;
  });
  const streams = Array.from({ length: STREAMS }, async (_, s) => {
    const from = (base + s) * 1000;
    const leaveAfter = s % 5 === 0 ? 10 : Infinity;
    let expected = from;
    for await (const item of load.count({ from, items: ITEMS })) {
      if (item !== expected++) wrong++;
      if (expected - from === leaveAfter) break;
    }
    if (expected - from !== Math.min(ITEMS, leaveAfter)) wrong++;
  });
  await Promise.all([...calls, ...streams]);
  return wrong;
}

describe('load', () => {
  it(`${ROUNDS} rounds of ${CHANNELS} connections × (${UNARY} calls + ${STREAMS} streams) at once, ${PER_CONNECTION} streams a connection: all answered, nothing kept`, {
    timeout: 60_000,
  }, async () => {
    const state = { running: 0, served: 0 };
    const { url } = await serveGrpc({ maxConcurrentStreams: PER_CONNECTION }, loadImpl(state));
    // A subchannel pool per channel: each its own connection (grpc-js would otherwise share one).
    const transports = [grpcTransport({ logger: quiet, grpcOptions: { 'grpc.use_local_subchannel_pool': 1 } })];
    const channels = await Promise.all(Array.from({ length: CHANNELS }, () => connect(url, { transports })));
    cleanups.push(() => Promise.all(channels.map((c) => c.close())));
    const started = Date.now();
    const heaps: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const mistakes = await Promise.all(channels.map((c, i) => round(c, (r * CHANNELS + i) * 1000)));
      expect(mistakes).toEqual(channels.map(() => 0));
      // The streams left early end on the server too.
      await until(() => state.running === 0, 5000, 'every handler to end');
      heaps.push(heap());
    }
    const left = ROUNDS * CHANNELS * (STREAMS / 5); // streams left after 10 items never finish on the server
    expect(state.served).toBe(ROUNDS * CHANNELS * (UNARY + STREAMS) - left);
    expect(Date.now() - started).toBeLessThan(30_000);
    // Measured: +0.3 MiB over rounds 2–6, where keeping ~300 bytes a call would add 1.3 MiB. (From the
    // first round V8 warms up by ~1.2 MiB over some twenty rounds, then stays flat: not counted.)
    const growth = Math.max(...heaps.slice(2)) - (heaps[1] as number);
    expect(growth, `heaps: ${heaps.map((h) => (h / 2 ** 20).toFixed(2)).join(' ')} MiB`).toBeLessThan(2 ** 20);
  });
});
