import { describe, expect, it } from 'vitest';
import { NOT_FLAT, parseFlatJson } from '../src/flat-json.js';
import { seededRandom } from './fixtures.js';

const read = (text: string): unknown => parseFlatJson(text, 0, text.length);

/** Equal as JSON.parse would make it: same keys in the same order, -0 apart from 0. */
function expectSame(text: string, got: unknown): void {
  const want: unknown = JSON.parse(text);
  expect(got, text).toEqual(want);
  if (typeof want === 'object' && want !== null) {
    expect(Object.keys(got as object), text).toEqual(Object.keys(want));
    expect(Object.getPrototypeOf(got), text).toBe(Object.prototype);
  }
}

describe('parseFlatJson', () => {
  it('reads the simple shapes as JSON.parse does', () => {
    const texts = [
      '{}',
      '{"a":1,"b":-2}',
      '{"a":123456789012345}',
      '-0',
      '0',
      '{"x":-0}',
      '"plain text é ☃"',
      '""',
      'true',
      'false',
      'null',
      '{"a":1,"b":2,"a":3}', // a repeated key: the last value, in the first place
      '{"b":1,"1":2,"0":3}', // index-like keys come first
      '{"s":"x","t":true,"f":false,"n":null}',
    ];
    for (const text of texts) {
      const got = read(text);
      expect(got, text).not.toBe(NOT_FLAT);
      expectSame(text, got);
    }
  });

  it('leaves everything else to JSON.parse', () => {
    const texts = [
      '',
      '1234567890123456', // past exact integers
      '1.5',
      '1e5',
      '01',
      '-',
      '"a\\"b"',
      '"a\tb"',
      ' 1',
      '1 ',
      'tru',
      'nul',
      '{"__proto__":1}',
      '{"constructor":1}', // a key Object.prototype has
      '{"a":1,}',
      '{"a" :1}',
      '{"a":{"b":1}}',
      '{"a":[1]}',
      '[1,2]',
      '{"a":1',
      '{"a":1}x',
      '{',
      `"${'x'.repeat(300)}"`, // long: JSON.parse reads it faster
    ];
    for (const text of texts) expect(read(text), text).toBe(NOT_FLAT);
  });

  it('never calls a setter the prototype has, as JSON.parse does not', () => {
    let called = false;
    Object.defineProperty(Object.prototype, 'flatJsonProbe', {
      set: () => void (called = true),
      configurable: true,
    });
    try {
      expect(read('{"flatJsonProbe":1}')).toBe(NOT_FLAT);
      expect(Object.hasOwn(JSON.parse('{"flatJsonProbe":1}') as object, 'flatJsonProbe')).toBe(true);
      expect(called).toBe(false);
    } finally {
      delete (Object.prototype as Record<string, unknown>).flatJsonProbe;
    }
  });

  it('agrees with JSON.parse on whatever it reads, and reads only inside its bounds', () => {
    const pieces = [
      '{',
      '}',
      '"a"',
      '"b"',
      '"__proto__"',
      ':',
      ',',
      '1',
      '0',
      '-',
      '12',
      '.5',
      'e3',
      'true',
      'null',
      '"x y"',
      '"\\n"',
      ' ',
      '[',
      ']',
    ];
    const next = seededRandom(7);
    let read1 = 0;
    for (let i = 0; i < 50_000; i++) {
      let text = '';
      for (let n = 1 + next(9); n > 0; n--) text += pieces[next(pieces.length)] as string;
      const got = read(text);
      // The same text inside a longer one, with bounds: nothing outside them may count.
      expect(parseFlatJson(`"x${text}}1`, 2, 2 + text.length), text).toEqual(got);
      let parsed = true;
      try {
        JSON.parse(text);
      } catch {
        parsed = false;
      }
      if (got === NOT_FLAT) continue;
      read1++;
      expect(parsed, text).toBe(true);
      expectSame(text, got);
    }
    expect(read1).toBeGreaterThan(1000);
  });
});
