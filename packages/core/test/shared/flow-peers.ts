/**
 * The slow-consumer tests of flow control (issue #14) that every connection
 * transport runs: a server in a process of its own (flow-server.mjs) streams
 * to a caller that reads 1,000 items a second for a while, then the rest as
 * fast as it can. While it reads slowly, the server's generator may run no
 * further ahead than the caller's credit (the transport's item window: core's
 * 64 unless the transport asks for more, docs/protocol.md), the caller's input
 * generator no further than the server's (its input window: 16), and
 * neither process's memory may grow with the length of the stream. Each run
 * returns what it measured, for the test to print.
 */
import {
  bidiStream,
  createClient,
  DEFAULT_WINDOWS,
  defineService,
  serverStream,
  unary,
  type Client,
  type StreamWindows,
} from '@interoffice/core';
import { ServerProcess, settledHeap, waitFor } from '@interoffice/core/conformance';
import { expect } from 'vitest';
import { z } from 'zod';

const Item = z.object({ seq: z.number().int(), note: z.string() });
type Item = z.infer<typeof Item>;

/** The service flow-server.mjs serves (it defines the same one: a script cannot import TypeScript). */
export const Flow = defineService('Flow', {
  /** Items 0 … count − 1, each carrying its sequence number; counted under `run`. */
  items: serverStream({ input: z.object({ count: z.number().int(), run: z.string() }), output: Item }),
  /**
   * Each input out again, counted under metadata `x-run`; with metadata `x-slow-ms`, inputs are
   * first read at 1,000 a second for that long.
   */
  relay: bidiStream({ input: Item, output: Item }),
  /** Items a run's generator yielded, inputs its handler took, and the server process's memory. */
  stats: unary({
    input: z.object({ run: z.string() }),
    output: z.object({ produced: z.number(), taken: z.number(), rss: z.number(), heapUsed: z.number() }),
  }),
});
export type FlowClient = Client<typeof Flow>;
export { createClient };

const MiB = 1024 * 1024;
/** A whole stream's deadline (the client's default, 30 s, is for one call, and a stream is one). */
const STREAM_MS = 120_000;

/** `node flow-server.mjs` serving Flow at `url` over `factory(options)` exported by `transportModule`. */
export function startFlowServer(transportModule: string, factory: string, url: string, options: object = {}) {
  const script = new URL('./flow-server.mjs', import.meta.url).pathname;
  return ServerProcess.start(script, [transportModule, factory, url, JSON.stringify(options)]);
}

/** How a slow window went, in figures for the test's output and the bounds it checks. */
export interface SlowReport {
  /** Items (or outputs) the caller read in the slow window. */
  slowRead: number;
  /** The most the server's generator was ever seen ahead of the caller's reading. */
  maxAhead: number;
  /** The most the caller's input generator was ever seen ahead of the server's handler (bidi). */
  maxInputsAhead: number;
  /** Growth over the slow window (MiB): the server's RSS, the caller's peak heap, the heap it retained. */
  serverRssMiB: number;
  clientHeapMiB: number;
  clientRetainedMiB: number;
  /** Milliseconds to read the rest as fast as possible. */
  fastMs: number;
  samples: number;
}

const NOTE = 'the quick brown fox jumps over it';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

let runs = 0;

/** Memory and run-ahead seen over a slow window, one `sample` at a time, checked as they come. */
class Watch {
  maxAhead = 0;
  maxInputsAhead = 0;
  samples = 0;
  #rss0 = -1;
  #rssMax = 0;
  readonly #heap0 = settledHeap();
  #heapMax = 0;

  /** The run's name: a call a failed test left running counts apart. */
  readonly run = `run-${++runs}`;

  /** `windows`: the transport's (items a caller lets the server send ahead, inputs the server lets the caller send). */
  constructor(
    readonly client: FlowClient,
    readonly windows: StreamWindows,
  ) {}

  /** Ask the server where it stands: `read()` and `pulled()` are the caller's counts at the moment. */
  async sample(read: () => number, pulled: () => number): Promise<void> {
    // Inputs the caller had sent before it asked: the server had granted them before it answered.
    const pulledBefore = pulled();
    const s = await this.client.stats({ run: this.run });
    // Credit for what the server had produced when it answered was granted before now.
    const ahead = s.produced - read();
    // + 1: the item the generator has yielded that waits for credit
    expect(ahead, `the server's generator ran ${ahead} items ahead of the caller`).toBeLessThanOrEqual(this.windows.items + 1);
    const inputsAhead = pulledBefore - s.taken;
    expect(inputsAhead, `the caller's inputs ran ${inputsAhead} ahead of the handler`).toBeLessThanOrEqual(this.windows.inputs);
    this.maxAhead = Math.max(this.maxAhead, ahead);
    this.maxInputsAhead = Math.max(this.maxInputsAhead, inputsAhead);
    if (this.#rss0 < 0) this.#rss0 = s.rss;
    this.#rssMax = Math.max(this.#rssMax, s.rss);
    this.#heapMax = Math.max(this.#heapMax, process.memoryUsage().heapUsed);
    this.samples++;
  }

  /**
   * Check the memory bounds, at the end of the slow window: neither process
   * keeps what the stream sends (what a million items would take is tens of
   * MiB). The caller's heap is checked twice: its peak, garbage included, and
   * what is left once garbage is collected (what it retained).
   */
  memory(): Pick<SlowReport, 'serverRssMiB' | 'clientHeapMiB' | 'clientRetainedMiB'> {
    const serverRssMiB = (this.#rssMax - this.#rss0) / MiB;
    const clientHeapMiB = (this.#heapMax - this.#heap0) / MiB;
    const clientRetainedMiB = (settledHeap() - this.#heap0) / MiB;
    expect(serverRssMiB, 'growth of the server process RSS in the slow window (MiB)').toBeLessThan(MEMORY_BOUND.serverRssMiB);
    expect(clientHeapMiB, "growth of the caller's peak heap in the slow window (MiB)").toBeLessThan(MEMORY_BOUND.clientHeapMiB);
    expect(clientRetainedMiB, 'heap the caller retained over the slow window (MiB)').toBeLessThan(MEMORY_BOUND.clientRetainedMiB);
    return {
      serverRssMiB: round(serverRssMiB),
      clientHeapMiB: round(clientHeapMiB),
      clientRetainedMiB: round(clientRetainedMiB),
    };
  }
}

const round = (x: number): number => Math.round(x * 10) / 10;

/**
 * Bounds a slow window's memory stays within, in MiB of growth from its start (measured on a
 * 2-CPU Linux machine: server RSS 1–7, caller's peak heap 12–14, caller's retained heap under 1).
 */
export const MEMORY_BOUND = { serverRssMiB: 32, clientHeapMiB: 48, clientRetainedMiB: 8 };

/**
 * Call `step` so that it has run `perSecond` times a second, for `ms`;
 * `sample` every 100 ms. The sleep paces the reading, it waits for no condition.
 */
async function paced(ms: number, perSecond: number, step: () => Promise<void>, sample: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  let done = 0;
  let nextSample = 0;
  for (let now = 0; now < ms; now = performance.now() - t0) {
    const due = Math.floor((now * perSecond) / 1000);
    for (; done < due; done++) await step();
    if (now >= nextSample) {
      await sample();
      nextSample += 100;
    }
    await sleep(5);
  }
  return done;
}

/** An item that is not the next in order fails the run (checked by hand: `expect` per item is slow at a million). */
function inOrder(item: Item | undefined, expected: number): void {
  if (item?.seq !== expected || item.note !== NOTE) throw new Error(`item ${expected} came as ${JSON.stringify(item)}`);
}

/**
 * Read `it` at 1,000 items a second for `slowMs`, sampling the server, then
 * to its end as fast as possible; `pulled` counts the caller's inputs (bidi).
 */
async function readSlowlyThenFast(
  watch: Watch,
  it: AsyncIterator<Item>,
  count: number,
  slowMs: number,
  pulled: () => number,
): Promise<SlowReport> {
  let read = 0;
  const take = async (): Promise<boolean> => {
    const r = await it.next();
    if (r.done === true) return false;
    inOrder(r.value, read++);
    return true;
  };
  await take(); // the call is running: the slow window starts now
  const slowRead = await paced(
    slowMs,
    1000,
    async () => void (await take()),
    () => watch.sample(() => read, pulled),
  );
  // The caller read at about 1,000 a second, and the server filled the credit it had (else the
  // window tested nothing: a server slower than its caller is never held back).
  expect(slowRead).toBeGreaterThanOrEqual(0.8 * slowMs);
  expect(watch.maxAhead).toBeGreaterThanOrEqual(watch.windows.items / 2);
  const memory = watch.memory();
  const t0 = performance.now();
  while (await take());
  const fastMs = Math.round(performance.now() - t0);
  expect(read).toBe(count); // every item, exactly once and in order (inOrder checked each)
  return { slowRead, maxAhead: watch.maxAhead, maxInputsAhead: watch.maxInputsAhead, ...memory, fastMs, samples: watch.samples };
}

/** A server stream of `count` items, read at 1,000 a second for `slowMs`, then to its end. */
export async function slowServerStream(
  client: FlowClient,
  count: number,
  slowMs: number,
  windows: StreamWindows = DEFAULT_WINDOWS,
): Promise<SlowReport> {
  const watch = new Watch(client, windows);
  const it = client.items({ count, run: watch.run }, { timeout: STREAM_MS })[Symbol.asyncIterator]();
  try {
    const report = await readSlowlyThenFast(watch, it, count, slowMs, () => 0);
    expect((await client.stats({ run: watch.run })).produced).toBe(count);
    return report;
  } finally {
    await it.return?.(); // a failed run leaves no call running into the next
  }
}

/** The caller's inputs 0 … count − 1, counting those pulled. */
function counted(count: number): { inputs: AsyncGenerator<Item>; pulled: () => number } {
  let pulled = 0;
  async function* inputs(): AsyncGenerator<Item> {
    for (let seq = 0; seq < count; seq++) {
      pulled++;
      yield { seq, note: NOTE };
    }
  }
  return { inputs: inputs(), pulled: () => pulled };
}

/**
 * A bidi call of `count` inputs whose outputs the caller reads at 1,000 a
 * second for `slowMs`, then to their end: the handler is held by the
 * caller's credit, and the caller's input generator by the handler's.
 */
export async function slowBidiConsumer(
  client: FlowClient,
  count: number,
  slowMs: number,
  windows: StreamWindows = DEFAULT_WINDOWS,
): Promise<SlowReport> {
  const watch = new Watch(client, windows);
  const { inputs, pulled } = counted(count);
  const it = client.relay(inputs, { timeout: STREAM_MS, meta: { 'x-run': watch.run } })[Symbol.asyncIterator]();
  try {
    const report = await readSlowlyThenFast(watch, it, count, slowMs, pulled);
    expect(pulled()).toBe(count);
    return report;
  } finally {
    await it.return?.();
  }
}

/**
 * A bidi call of `count` inputs whose handler reads 1,000 a second for
 * `slowMs`, then as fast as it can, while the caller reads outputs at once:
 * the caller's input generator is held to the handler's window.
 */
export async function slowBidiReader(
  client: FlowClient,
  count: number,
  slowMs: number,
  windows: StreamWindows = DEFAULT_WINDOWS,
): Promise<SlowReport> {
  const watch = new Watch(client, windows);
  const { inputs, pulled } = counted(count);
  const ac = new AbortController();
  let read = 0;
  const reading = (async () => {
    const options = { timeout: STREAM_MS, signal: ac.signal, meta: { 'x-run': watch.run, 'x-slow-ms': String(slowMs) } };
    for await (const item of client.relay(inputs, options)) inOrder(item, read++);
  })();
  reading.catch(() => {}); // awaited below
  try {
    await waitFor(() => read > 0, { what: 'the first output' }); // the call is running: the slow window starts now
    const t0 = performance.now();
    await paced(
      slowMs,
      0,
      async () => {},
      () => watch.sample(() => read, pulled),
    );
    const slowRead = read;
    // The caller's generator was held back by the handler's window (else the window tested nothing).
    expect(watch.maxInputsAhead).toBeGreaterThanOrEqual(watch.windows.inputs / 2);
    const memory = watch.memory();
    await reading;
    const fastMs = Math.round(performance.now() - t0 - slowMs);
    expect(read).toBe(count);
    expect(pulled()).toBe(count);
    return {
      slowRead,
      maxAhead: watch.maxAhead,
      maxInputsAhead: watch.maxInputsAhead,
      ...memory,
      fastMs,
      samples: watch.samples,
    };
  } finally {
    ac.abort();
  }
}
