/**
 * The Calculator, defined once with zod. Alice serves it, Bob calls it, over
 * any transport. `AliceBroke` is the service's own error, as in the seed.
 */
import { bidiStream, clientStream, defineService, notification, RpcError, serverStream, unary } from '@interoffice/core';
import { z } from 'zod';

/** Alice's own error: reaches Bob with its code, message and class. */
export class AliceBroke extends RpcError {
  constructor(message: string) {
    super('INVALID_ARGUMENT', message);
  }
}

const Operands = z.object({ a: z.number(), b: z.number() });

export const Calculator = defineService(
  'Calculator',
  {
    add: unary({ input: Operands, output: z.number(), description: 'a + b', idempotency: 'noSideEffects' }),
    multiply: unary({ input: Operands, output: z.number(), description: 'a × b', idempotency: 'noSideEffects' }),
    divide: unary({ input: Operands, output: z.number(), description: 'a ÷ b; b = 0 raises AliceBroke' }),
    countdown: serverStream({
      input: z.object({ from: z.number().int().min(0).max(10_000) }),
      output: z.number().int(),
      description: 'from, from − 1, …, 0',
    }),
    sum: clientStream({ input: z.number(), output: z.number(), description: 'the total of the numbers sent' }),
    runningTotal: bidiStream({ input: z.number(), output: z.number(), description: 'each number in, the total so far out' }),
    note: notification({ input: z.object({ text: z.string() }), description: 'Alice prints the text' }),
  },
  { errors: [AliceBroke] },
);
