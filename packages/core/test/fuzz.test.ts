/**
 * Fuzzing the server's decoders: frames and batches, made by mutating valid
 * ones at random (seeded, so a failure repeats), sent over a frame
 * connection and over a message medium (as text and as records). Bounded by
 * count and time. What must hold: nothing throws out of the server or is
 * logged as a crash, every answer is JSON, and a plain call made after each
 * burst is answered correctly.
 */
import { describe, expect, it } from 'vitest';
import { connect, createClient, implement, memoryTransport, rawConnection, serve, type Transport } from '../src/index.js';
import { queueTransport } from './examples/message-transport.js';
import { Calculator, handlers, seededRandom } from './fixtures.js';

const ITERATIONS = 3000;
const TIME_BUDGET_MS = 4000;

const seeds = [
  '{"jsonrpc":"2.0","id":1,"method":"add","params":{"a":2,"b":5},"timeout":1000}',
  '{"jsonrpc":"2.0","id":"s","method":"Calculator.divide","params":[1,0],"meta":{"k":"v"}}',
  '{"jsonrpc":"2.0","id":3,"method":"countdown","params":{"from":3}}',
  '{"jsonrpc":"2.0","method":"note","params":{"text":"hi"}}',
  '{"jsonrpc":"2.0","method":"rpc.cancel","params":{"id":1}}',
  '{"jsonrpc":"2.0","id":4,"method":"rpc.discover"}',
  '[{"jsonrpc":"2.0","id":5,"method":"add","params":[1,2]},{"jsonrpc":"2.0","method":"note","params":{"text":"x"}}]',
  '{"jsonrpc":"2.0","id":6,"method":"square","params":[3]}',
];

const pieces = [
  '{',
  '}',
  '[',
  ']',
  '"',
  ',',
  ':',
  '\\',
  'null',
  'true',
  '-0',
  '1e999',
  '"__proto__"',
  '"id"',
  '"method"',
  '\u0000',
  '\ud800',
  '𝄞',
  ' ',
];

/** One mutated frame. */
function mutate(next: (n: number) => number): string {
  let f = seeds[next(seeds.length)] as string;
  const rounds = 1 + next(4);
  for (let r = 0; r < rounds; r++) {
    const at = next(f.length + 1);
    switch (next(7)) {
      case 0: // cut
        f = f.slice(0, at);
        break;
      case 1: // insert a piece
        f = f.slice(0, at) + (pieces[next(pieces.length)] as string) + f.slice(at);
        break;
      case 2: // delete a span
        f = f.slice(0, at) + f.slice(at + 1 + next(8));
        break;
      case 3: // splice two seeds
        f = f.slice(0, at) + (seeds[next(seeds.length)] as string).slice(next(40));
        break;
      case 4: // nest
        f = `${'['.repeat(next(300))}${f}${']'.repeat(next(300))}`;
        break;
      case 5: // a batch of mutants
        f = `[${f},${seeds[next(seeds.length)] as string}]`;
        break;
      default: // a random character
        f = f.slice(0, at) + String.fromCharCode(next(0x10000)) + f.slice(at + 1);
    }
  }
  return f;
}

async function fuzz(transports: Transport[], url: string, seed: number): Promise<number> {
  const errors: unknown[] = [];
  const server = await serve(implement(Calculator, handlers()), {
    listen: [url],
    transports,
    logger: { warn() {}, error: (_m, e) => void (e instanceof Error && !('code' in e) && errors.push(e)) },
  });
  const calc = createClient(Calculator, await connect(url, { transports }));
  const answers: string[] = [];
  const transport = transports[0] as Transport;
  const raw = await rawConnection(transport, new URL(url), {
    frame: (f) => void answers.push(f),
    oversized() {},
    drain() {},
    closed() {},
  });
  const next = seededRandom(seed);
  const started = Date.now();
  let sent = 0;
  while (sent < ITERATIONS && Date.now() - started < TIME_BUDGET_MS) {
    for (let i = 0; i < 50; i++, sent++) raw.send(mutate(next));
    // After each burst, a plain call is answered correctly.
    expect(await calc.add({ a: sent, b: 1 }, { timeout: 5000 })).toBe(sent + 1);
  }
  // Every answer is JSON (an object, or a batch's array).
  for (const a of answers) expect(typeof JSON.parse(a)).toBe('object');
  expect(errors).toEqual([]); // nothing but the handlers' own errors was logged as a crash
  raw.close();
  await server.close({ graceMs: 0 });
  return sent;
}

describe('fuzzing the decoders (seeded; bounded by count and time)', () => {
  it('frames and batches over a frame connection', async () => {
    expect(await fuzz([memoryTransport({ maxFrameBytes: 64 * 1024 })], 'memory://fuzz', 20_201)).toBeGreaterThan(500);
  });

  it('frames and batches over a message medium, as text', async () => {
    expect(await fuzz([queueTransport({ maxFrameBytes: 64 * 1024 })], 'queue://fuzz-text', 20_202)).toBeGreaterThan(500);
  });

  it('requests over a message medium, as records', async () => {
    expect(
      await fuzz([queueTransport({ maxFrameBytes: 64 * 1024, records: true })], 'queue://fuzz-records', 20_203),
    ).toBeGreaterThan(500);
  });
});
