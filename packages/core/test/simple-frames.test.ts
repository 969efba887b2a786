import { describe, expect, it } from 'vitest';
import { decimalText } from '../src/decimal.js';
import { encodeRequest, encodeResult } from '../src/envelope.js';
import { parseSimpleRequest, parseSimpleResult } from '../src/simple-frames.js';
import { seededRandom } from './fixtures.js';

/** What the full parse makes of a request, in the fast path's terms. */
function fullParse(frame: string): unknown {
  const m = JSON.parse(frame) as Record<string, unknown>;
  return { id: m.id, method: m.method, params: m.params, timeout: m.timeout };
}

describe('the fast path for requests', () => {
  it('reads requests exactly as encodeRequest writes them', () => {
    const cases: [number, string, unknown, number][] = [
      [0, 'add', { a: 2, b: 5 }, 30_000],
      [7, 'calculator.v1.Calculator.Add', [2, 5], Infinity],
      [123_456_789_012, 'bench.Bench.add', { text: '},"timeout":5}', n: [1, { x: null }] }, 0],
      [42, 'echo', {}, 1],
      [42, 'echo', [], 99.2],
    ];
    for (const [id, method, params, timeout] of cases) {
      const frame = encodeRequest(id, method, params, undefined, timeout);
      expect(parseSimpleRequest(frame), frame).toEqual(fullParse(frame));
    }
    // Spacing inside the params is the params' own business.
    const spaced = '{"jsonrpc":"2.0","id":1,"method":"add","params":{ "a": 1 } }';
    expect(parseSimpleRequest(spaced)).toEqual(fullParse(spaced));
  });

  it('leaves every other frame to the full parse', () => {
    const frames = [
      encodeRequest(1, 'add', { a: 1 }, { trace: 'x' }, 5), // metadata
      encodeRequest('x', 'add', { a: 1 }, undefined, 5), // string id
      encodeRequest(undefined, 'add', { a: 1 }, undefined, 5), // notification
      encodeRequest(1, 'a"b', { a: 1 }, undefined, 5), // escape in the method
      encodeRequest(1, 'add', undefined, undefined, 5), // no params
      '{"jsonrpc":"2.0","id":01,"method":"add","params":{}}', // leading zero: not JSON
      '{"jsonrpc":"2.0","id":1,"method":"add","params":{},"timeout":05}',
      '{"jsonrpc":"2.0","id":-1,"method":"add","params":{}}',
      '{"jsonrpc":"2.0","id":1.5,"method":"add","params":{}}',
      '{"jsonrpc":"2.0","id":1234567890123456,"method":"add","params":{}}', // past exact integers
      '{"jsonrpc":"2.0", "id":1,"method":"add","params":{}}', // spacing
      '{"jsonrpc":"2.0","id":1,"method":"add","params":{},"x":5}', // another member
      '{"jsonrpc":"2.0","id":1,"method":"add","params":{"a":1},"timeout":5', // cut short
      '{"jsonrpc":"2.0","id":1,"method":"add","params":{"a":1,"timeout":5}', // unbalanced
      '{"jsonrpc":"2.0","id":1,"method":"","params":{}}',
      '{"jsonrpc":"2.0","id":1,"method":"a\tb","params":{}}', // a raw tab: not JSON
      '{"jsonrpc":"1.0","id":1,"method":"add","params":{}}',
    ];
    for (const frame of frames) expect(parseSimpleRequest(frame), frame).toBeUndefined();
  });

  it('agrees with JSON.parse on every frame it reads, whatever the frame', () => {
    // Cut and splice valid frames at random: whatever the fast path accepts
    // must be what the full parse reads.
    const seeds = [
      encodeRequest(12, 'add', { a: 2, b: 5 }, undefined, 300),
      encodeRequest(3, 'm', [1, '",', { t: '"timeout":1}' }], undefined, Infinity),
    ];
    const alphabet = ['}', '{', ',', '"', ':', '1', '0', ' ', 'timeout', ',"timeout":7', '\\', ']'];
    const next = seededRandom(1);
    let read = 0;
    for (let i = 0; i < 20_000; i++) {
      const seed = seeds[next(seeds.length)] as string;
      const at = next(seed.length + 1);
      const cut = next(4);
      const frame = seed.slice(0, at) + (alphabet[next(alphabet.length)] as string).repeat(next(2)) + seed.slice(at + cut);
      const fast = parseSimpleRequest(frame);
      if (fast === undefined) continue;
      read++;
      expect(fast, frame).toEqual(fullParse(frame));
    }
    expect(read).toBeGreaterThan(100); // the test looked at frames the fast path reads
  });
});

describe('the fast path for results', () => {
  it('reads a bare result exactly as encodeResult writes it, and nothing else', () => {
    expect(parseSimpleResult(encodeResult(12, { a: [1, '}'] }))).toEqual({ id: 12, result: { a: [1, '}'] } });
    expect(parseSimpleResult(encodeResult(3, null))).toEqual({ id: 3, result: null });
    expect(parseSimpleResult(encodeResult(3, 7, { k: 'v' }))).toBeUndefined(); // metadata follows the value
    expect(parseSimpleResult(encodeResult('x', 7))).toBeUndefined();
    expect(parseSimpleResult('{"jsonrpc":"2.0","id":4,"result":1,"extra":2}')).toBeUndefined();
    expect(parseSimpleResult('{"jsonrpc":"2.0","id":4, "result":1}')).toBeUndefined();
    expect(parseSimpleResult('{"jsonrpc":"2.0","id":04,"result":1}')).toBeUndefined();
    expect(parseSimpleResult('{"jsonrpc":"2.0","id":4,"error":{"code":1,"message":"x"}}')).toBeUndefined();
  });
});

describe('decimalText', () => {
  it('writes what String writes', () => {
    const edges = [0, 7, 999, 1000, 1001, 999_999, 1e6, 123_456_789, 999_999_999, 1e9, 1e9 + 7, 999_999_999_999, 1e12];
    const others = [2 ** 53 - 1, -1, -0, 1.5, NaN, Infinity, 1e21];
    for (const n of [...edges, ...others]) expect(decimalText(n), String(n)).toBe(String(n));
    for (let i = 0; i < 10_000; i++) {
      const n = Math.floor(Math.random() * 10 ** (1 + (i % 12)));
      expect(decimalText(n)).toBe(String(n));
    }
  });
});
