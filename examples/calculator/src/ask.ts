/**
 * Bob's questions, as in the seed: two sums, a call with bad data, and a
 * division by zero; and, where the transport carries streams of inputs, a
 * sum of a stream and a running total. Returns one line per question.
 */
import { createClient, rawCall, RpcError, type Channel } from '@interoffice/core';
import { Calculator } from './service.js';

export interface Answer {
  question: string;
  answer: string;
}

async function ask(question: string, call: () => Promise<unknown>): Promise<Answer> {
  try {
    return { question, answer: String(await call()) };
  } catch (e) {
    const err = RpcError.from(e);
    return { question, answer: `${err.name === 'RpcError' ? 'error' : err.name} ${err.code}: ${err.message}` };
  }
}

export async function askAlice(channel: Channel, streams = false): Promise<Answer[]> {
  const calc = createClient(Calculator, channel);
  const streamed = streams
    ? [
        await ask('sum(1, 2, 3, 4)', () => calc.sum([1, 2, 3, 4])),
        await ask('runningTotal(1, 2, 3)', async () => {
          const totals: number[] = [];
          for await (const t of calc.runningTotal([1, 2, 3])) totals.push(t);
          return totals.join(', ');
        }),
      ]
    : [];
  return [
    await ask('add(2, 5)', () => calc.add({ a: 2, b: 5 })),
    await ask('multiply(8, 5)', () => calc.multiply({ a: 8, b: 5 })),
    // Like the seed's Bob: the command by name, positional args; Alice's schema says no. (Qualified:
    // over gRPC Alice also serves the proto calculator.v1.Calculator, whose Add a short name would match too.)
    await ask("add('bad', 'data')", () => rawCall(channel, 'Calculator.add', ['bad', 'data'])),
    await ask('divide(1, 0)', () => calc.divide({ a: 1, b: 0 })),
    ...streamed,
  ];
}
