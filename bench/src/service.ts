/** The service every Interoffice row of the bench calls: `add`, as in the seed. */
import { defineService, implement, unary } from '@interoffice/core';
import { z } from 'zod';

export const Bench = defineService('bench.Bench', {
  add: unary({ input: z.object({ a: z.number(), b: z.number() }), output: z.number() }),
});

export const benchImpl = implement(Bench, { add: ({ a, b }) => a + b });
