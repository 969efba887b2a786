/**
 * The service every Interoffice row of the bench calls: `add`, as in the
 * seed, and `echo`, a string sent back, for the payload-size curves.
 */
import { createClient, defineService, implement, unary, type Channel, type ClientOptions } from '@interoffice/core';
import { z } from 'zod';
import type { Caller } from './measure.js';

export const Bench = defineService('bench.Bench', {
  add: unary({ input: z.object({ a: z.number(), b: z.number() }), output: z.number() }),
  echo: unary({ input: z.object({ s: z.string() }), output: z.string() }),
});

export const benchImpl = implement(Bench, { add: ({ a, b }) => a + b, echo: ({ s }) => s });

/** The bench's caller over any Interoffice channel: `add` for the rows, `echo` for the payload curve. */
export function benchCaller(channel: Channel, options?: ClientOptions): Caller {
  const calc = createClient(Bench, channel, options);
  let i = 0;
  return { call: () => calc.add({ a: ++i, b: 1 }), echo: (s) => calc.echo({ s }), close: () => channel.close() };
}
