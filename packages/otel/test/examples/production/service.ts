// The service both sides share. `add` is marked: a second run is harmless, so clients may retry it.
import { defineService, unary } from '@interoffice/core';
import { z } from 'zod';

const Operands = z.object({ a: z.number(), b: z.number() });

export const Calculator = defineService('calc.Calculator', {
  add: unary({ input: Operands, output: z.number(), idempotency: 'noSideEffects' }),
});
