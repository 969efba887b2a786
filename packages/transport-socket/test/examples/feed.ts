import { defineService, implement, serverStream, tracked } from '@interoffice/core';
import { z } from 'zod';

/** Prices, each with its sequence number: a caller can resume after the last one it got. */
export const Feed = defineService('Feed', {
  prices: serverStream({
    input: z.object({ symbol: z.string(), count: z.number().int() }),
    output: z.object({ seq: z.number(), price: z.number() }),
    resumable: true,
  }),
});

// Resuming needs a server that can produce what follows any item again: here, a pure function.
const priceAt = (symbol: string, seq: number): number => 100 + ((symbol.length * 7 + seq * 13) % 50);

export const feed = implement(Feed, {
  prices: async function* ({ symbol, count }, ctx) {
    const from = ctx.resumeAfter === undefined ? 0 : Number(ctx.resumeAfter) + 1;
    for (let seq = from; seq < count; seq++) {
      await new Promise((r) => setTimeout(r, 5));
      yield tracked(String(seq), { seq, price: priceAt(symbol, seq) });
    }
  },
});
