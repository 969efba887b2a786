/** Alice's side of the Calculator. */
import { implement } from '@interoffice/core';
import { AliceBroke, Calculator } from './service.js';

export function calculatorHandlers(onNote: (text: string) => void = () => {}) {
  return implement(Calculator, {
    add: ({ a, b }) => a + b,
    multiply: ({ a, b }) => a * b,
    divide: ({ a, b }) => {
      if (b === 0) throw new AliceBroke('division by zero');
      return a / b;
    },
    countdown: async function* ({ from }, ctx) {
      for (let i = from; i >= 0 && !ctx.signal.aborted; i--) yield i;
    },
    sum: async (numbers) => {
      let total = 0;
      for await (const n of numbers) total += n;
      return total;
    },
    runningTotal: async function* (numbers) {
      let total = 0;
      for await (const n of numbers) yield (total += n);
    },
    note: ({ text }) => onNote(text),
  });
}
