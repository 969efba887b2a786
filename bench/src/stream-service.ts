/**
 * The service the stream rows call (issue #14): the Calculator example's
 * `countdown` (a server stream) and `runningTotal` (a bidi stream), in zod.
 * The gRPC rows call the same two methods of the proto Calculator instead.
 */
import { bidiStream, createClient, defineService, implement, serverStream, type Channel } from '@interoffice/core';
import { z } from 'zod';
import type { Caller } from './measure.js';

export const Streams = defineService('bench.Streams', {
  countdown: serverStream({ input: z.object({ from: z.number().int().min(0) }), output: z.number().int() }),
  runningTotal: bidiStream({ input: z.number(), output: z.number() }),
});

export const streamsImpl = implement(Streams, {
  countdown: async function* ({ from }) {
    for (let i = from; i >= 0; i--) yield i;
  },
  runningTotal: async function* (numbers) {
    let total = 0;
    for await (const n of numbers) yield (total += n);
  },
});

/** Items per stream call. */
export const ITEMS = 1000;
/** The bidi stream's inputs: 1, 2, …, ITEMS. */
export const INPUTS: readonly number[] = Array.from({ length: ITEMS }, (_, i) => i + 1);

/** Each `call()` a whole stream of {@link ITEMS} items, read to its end; rejects if fewer came. */
export function streamCaller(channel: Channel, kind: 'server' | 'bidi'): Caller {
  const calc = createClient(Streams, channel);
  const drain = async (items: AsyncIterable<number>): Promise<number> => {
    let n = 0;
    for await (const _ of items) n++;
    if (n !== ITEMS) throw new Error(`stream of ${n} items, not ${ITEMS}`);
    return n;
  };
  return {
    call: kind === 'server' ? () => drain(calc.countdown({ from: ITEMS - 1 })) : () => drain(calc.runningTotal(INPUTS)),
    close: () => channel.close(),
  };
}
