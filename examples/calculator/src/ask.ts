/**
 * Bob's questions, as in the seed: two sums, a call with bad data, and a
 * division by zero. Returns one line per question.
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

export async function askAlice(channel: Channel): Promise<Answer[]> {
  const calc = createClient(Calculator, channel);
  return [
    await ask('add(2, 5)', () => calc.add({ a: 2, b: 5 })),
    await ask('multiply(8, 5)', () => calc.multiply({ a: 8, b: 5 })),
    // Like the seed's Bob: the command by name, positional args; Alice's schema says no. (Qualified:
    // over gRPC Alice also serves the proto calculator.v1.Calculator, whose Add a short name would match too.)
    await ask("add('bad', 'data')", () => rawCall(channel, 'Calculator.add', ['bad', 'data'])),
    await ask('divide(1, 0)', () => calc.divide({ a: 1, b: 0 })),
  ];
}
