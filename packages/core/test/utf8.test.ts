/** The client path's UTF-8 and base64 without Buffer agree with Buffer's, byte for byte. */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../src/conformance/testing.js';
import { portableFromBase64, portableToBase64, portableUtf8Length } from '../src/utf8.js';

describe('utf8 and base64 without Buffer', () => {
  it('counts UTF-8 bytes as Buffer does, lone surrogates included', () => {
    const next = seededRandom(7);
    const pool = ['a', '\u0000', 'é', 'ß', '日', '\u2028', '🐢', '\ud83d', '\udc22', '\uffff', '\u07ff', '\u0800'];
    for (let n = 0; n < 500; n++) {
      let s = '';
      for (let i = next(40); i > 0; i--) s += pool[next(pool.length)];
      expect(portableUtf8Length(s)).toBe(Buffer.byteLength(s));
    }
  });

  it('encodes and decodes base64 as Buffer does', () => {
    const next = seededRandom(11);
    for (const size of [0, 1, 2, 3, 4, 100, 0x8000 + 5, 100_000]) {
      const data = new Uint8Array(size).map(() => next(256));
      const b64 = portableToBase64(data);
      expect(b64).toBe(Buffer.from(data).toString('base64'));
      expect(Buffer.from(portableFromBase64(b64)).equals(Buffer.from(data))).toBe(true);
    }
  });
});
