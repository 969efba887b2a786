/**
 * Flow control through the tRPC link (issue #14): a subscription served over
 * a unix socket by a router in a process of its own (fixtures/flow-router.mjs),
 * subscribed through `interofficeLink` by a subscriber that takes 1,000 events
 * a second. The link hands the next event on only when `onData` returns and
 * grants credit as it takes events, so the procedure's async generator runs
 * at most the credit window (64 items, `started` included) ahead of the
 * subscriber. A subscriber that iterates (`subscribe()` without callbacks) is
 * not covered: tRPC's client buffers events for it without bound, before
 * they reach it (see docs/testing.md).
 */
import { connect, DEFAULT_WINDOWS } from '@interoffice/core';
import { ServerProcess } from '@interoffice/core/conformance';
import { socketTransport } from '@interoffice/transport-socket';
import { createTRPCClient } from '@trpc/client';
import { initTRPC } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { interofficeLink } from '../src/index.js';
import { later, socketPath } from './fixtures/world.js';

/** The type of flow-router.mjs's router (a script cannot export TypeScript types): the same procedures. */
function flowRouter() {
  const t = initTRPC.create();
  return t.router({
    ticks: t.procedure.input(z.object({ count: z.number().int() })).subscription(async function* (): AsyncGenerator<number> {}),
    stats: t.procedure.query(() => ({ produced: 0, rss: 0 })),
  });
}
type FlowRouter = ReturnType<typeof flowRouter>;

/** Items a caller lets the server send ahead of what it has taken: the socket transport's window, core's. */
const OUTPUT_WINDOW = DEFAULT_WINDOWS.items;
const COUNT = 20_000;
const SLOW_MS = 3000;

describe('a tRPC subscription consumed slowly, over a unix socket', () => {
  it("holds the procedure's generator to the credit window ahead of onData", { timeout: 60_000 }, async () => {
    const script = new URL('./fixtures/flow-router.mjs', import.meta.url).pathname;
    const server = await ServerProcess.start(script, [`unix://${socketPath()}`]);
    later(() => server.kill());
    const channel = await connect(server.url, { transports: [socketTransport()] });
    later(() => channel.close());
    const trpc = createTRPCClient<FlowRouter>({ links: [interofficeLink<FlowRouter>({ channel })] });

    let taken = 0;
    let t0 = 0;
    let slowTaken = 0;
    let fastMs = 0;
    const sink = new Int32Array(new SharedArrayBuffer(4));
    const done = new Promise<void>((resolve, reject) => {
      const sub = trpc.ticks.subscribe(
        { count: COUNT },
        {
          onData: (seq) => {
            if (seq !== taken) reject(new Error(`event ${taken} came as ${seq}`));
            if (taken++ === 0) t0 = performance.now();
            // A synchronous sink (a slow disk, say) taking event n no sooner than n ms after the
            // first, for the slow window: Atomics.wait blocks the thread without spinning. Pacing,
            // not a wait for a condition.
            const now = performance.now() - t0;
            if (now >= SLOW_MS) {
              if (taken === COUNT) fastMs = Math.round(now - SLOW_MS);
              return;
            }
            slowTaken = taken;
            if (taken > now) Atomics.wait(sink, 0, 0, taken - now);
          },
          onError: reject,
          onComplete: resolve,
        },
      );
      later(() => sub.unsubscribe());
    });
    let failure: unknown;
    done.catch((e: unknown) => (failure = e)); // awaited below; a subscription that fails ends the sampling

    // Ask the server how far its generator has run, every 100 ms of the slow window.
    let maxAhead = 0;
    let samples = 0;
    while (failure === undefined && (taken === 0 || performance.now() - t0 < SLOW_MS)) {
      const takenBefore = taken;
      const { produced } = await trpc.stats.query();
      // `produced` is of a moment between the query and its answer, when onData had taken at least
      // `takenBefore` and at most `taken`. The bound takes `taken` (it can only understate how far
      // ahead the procedure was); the fill takes `takenBefore` (it can only overstate it, by the
      // events of one round trip): on a loaded machine a round trip is tens of ms, tens of events.
      const ahead = produced - taken;
      // + 1: the event the procedure has yielded that waits for credit
      expect(ahead, `the procedure ran ${ahead} events ahead of onData`).toBeLessThanOrEqual(OUTPUT_WINDOW + 1);
      maxAhead = Math.max(maxAhead, produced - takenBefore);
      samples++;
      await new Promise((r) => setTimeout(r, 100)); // the sampling interval, not a wait for a condition
    }
    if (failure !== undefined) throw failure;
    // The subscriber took about 1,000 a second, and the procedure filled the credit it had
    // (else the window tested nothing: a procedure slower than its subscriber is never held back).
    expect(slowTaken).toBeGreaterThanOrEqual(0.8 * SLOW_MS);
    expect(slowTaken).toBeLessThanOrEqual(SLOW_MS + 1);
    expect(maxAhead).toBeGreaterThanOrEqual(OUTPUT_WINDOW / 2);
    await done;
    expect(taken).toBe(COUNT); // every event once, in order (onData checked each)
    expect((await trpc.stats.query()).produced).toBe(COUNT);
    console.info('trpc subscription', { slowTaken, maxAhead, samples, fastMs });
  });
});
