/**
 * The Calculator every transport's own tests use (and their child
 * processes, which may import this module outside a test runner): the
 * seed's `add`, `multiply` and `divide` (with its domain error), and a few
 * methods for what transports must carry — text, a wait that honours its
 * signal, a large answer, a server stream.
 */
import { z } from 'zod';
import type { CallContext } from '../call.js';
import { RpcError } from '../error.js';
import { implement, type ServiceImplementation } from '../server/implement.js';
import { defineService, serverStream, unary } from '../service.js';

/** The seed's error: Alice refuses to divide by zero. */
export class AliceBroke extends RpcError {
  constructor(message: string) {
    super('INVALID_ARGUMENT', message);
  }
}

const Operands = z.object({ a: z.number(), b: z.number() });

export const Calculator = defineService(
  'Calculator',
  {
    add: unary({ input: Operands, output: z.number(), idempotency: 'noSideEffects' }),
    multiply: unary({ input: Operands, output: z.number(), idempotency: 'noSideEffects' }),
    divide: unary({ input: Operands, output: z.number() }),
    echo: unary({ input: z.object({ text: z.string() }), output: z.string() }),
    /** Answers 'waited' after `ms`, or fails with its signal's reason when aborted first. */
    wait: unary({ input: z.object({ ms: z.number() }), output: z.string() }),
    /** A string of `bytes` characters. */
    blob: unary({ input: z.object({ bytes: z.number().int() }), output: z.string() }),
    /** `from`, `from − 1`, … 0. */
    countdown: serverStream({ input: z.object({ from: z.number().int() }), output: z.number() }),
  },
  { errors: [AliceBroke] },
);

/** What the Calculator's handlers saw: calls run, and the reasons of the waits aborted. */
export interface Seen {
  calls: number;
  aborted: unknown[];
}

/** The Calculator's handlers, counting calls into `seen`. */
export function calculator(seen: Seen = { calls: 0, aborted: [] }): ServiceImplementation {
  const counted = <T>(value: () => T): T => {
    seen.calls++;
    return value();
  };
  return implement(Calculator, {
    add: ({ a, b }) => counted(() => a + b),
    multiply: ({ a, b }) => counted(() => a * b),
    divide: ({ a, b }) =>
      counted(() => {
        if (b === 0) throw new AliceBroke('division by zero');
        return a / b;
      }),
    echo: ({ text }) => counted(() => text),
    blob: ({ bytes }) => counted(() => 'x'.repeat(bytes)),
    wait: ({ ms }, ctx: CallContext) =>
      counted(
        () =>
          new Promise<string>((resolve, reject) => {
            const t = setTimeout(() => resolve('waited'), ms);
            ctx.signal.addEventListener('abort', () => {
              clearTimeout(t);
              seen.aborted.push(ctx.signal.reason);
              reject(ctx.signal.reason);
            });
          }),
      ),
    countdown: async function* ({ from }) {
      for (let i = from; i >= 0; i--) yield i;
    },
  });
}
