/**
 * A reader for the simplest JSON values: a whole number (up to 15 digits),
 * `true`, `false`, `null`, a string without escapes, or an object of such
 * members, with no spaces. Params and results are mostly these, and
 * reading them by hand is about twice as fast as `JSON.parse`
 * (bench/README.md, "Measured design choices").
 *
 * Anything else (spacing, fractions, exponents, escapes, nesting, keys
 * that `Object.prototype` has such as `__proto__`, text over 256
 * characters) returns {@link NOT_FLAT} and the caller uses `JSON.parse`.
 * Whatever this reads, `JSON.parse` reads the same way: a randomized test
 * holds the two together.
 */

/** Returned for text this reader leaves to `JSON.parse`. */
export const NOT_FLAT: unique symbol = Symbol('not flat');

/**
 * Longer text goes to `JSON.parse`, which reads long strings far faster
 * than a loop over characters does.
 */
const MAX_CHARS = 256;

/** More digits than this may not be an exact integer. */
const MAX_DIGITS = 15;

// Where the last scalar read ended: one number, not an allocation per value.
let after = 0;

/** The value of the JSON text `text[start, end)`, or NOT_FLAT. */
export function parseFlatJson(text: string, start: number, end: number): unknown {
  if (end - start > MAX_CHARS) return NOT_FLAT;
  const value = text.charCodeAt(start) === 0x7b ? object(text, start, end) : scalar(text, start, end);
  return value !== NOT_FLAT && after === end ? value : NOT_FLAT;
}

function object(text: string, start: number, end: number): unknown {
  const out: Record<string, unknown> = {};
  let i = start + 1;
  if (text.charCodeAt(i) === 0x7d && i < end) {
    after = i + 1;
    return out;
  }
  for (;;) {
    if (i >= end || text.charCodeAt(i) !== 0x22) return NOT_FLAT;
    const keyEnd = stringEnd(text, i, end);
    if (keyEnd === -1 || keyEnd >= end || text.charCodeAt(keyEnd) !== 0x3a) return NOT_FLAT;
    const key = text.slice(i + 1, keyEnd - 1);
    // JSON.parse defines own properties; assigning a key the prototype has (`__proto__`, or an
    // accessor someone added) would call its setter instead.
    if (key in Object.prototype) return NOT_FLAT;
    const value = scalar(text, keyEnd + 1, end);
    if (value === NOT_FLAT) return NOT_FLAT;
    out[key] = value;
    i = after;
    const c = i < end ? text.charCodeAt(i) : -1;
    if (c === 0x2c) {
      i++;
      continue;
    }
    if (c !== 0x7d) return NOT_FLAT;
    after = i + 1;
    return out;
  }
}

/** A scalar at `i`; sets `after`. */
function scalar(text: string, i: number, end: number): unknown {
  if (i >= end) return NOT_FLAT;
  const c = text.charCodeAt(i);
  if (c === 0x22) {
    const stop = stringEnd(text, i, end);
    if (stop === -1) return NOT_FLAT;
    after = stop;
    return text.slice(i + 1, stop - 1);
  }
  if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return integer(text, i, end);
  if (c === 0x74 && word(text, i, end, 'true')) return true;
  if (c === 0x66 && word(text, i, end, 'false')) return false;
  if (c === 0x6e && word(text, i, end, 'null')) return null;
  return NOT_FLAT;
}

/** Past the closing quote of the string that opens at `i`; -1 for an escape, a control character or no end. */
function stringEnd(text: string, i: number, end: number): number {
  for (let k = i + 1; k < end; k++) {
    const c = text.charCodeAt(k);
    if (c === 0x22) return k + 1;
    if (c < 0x20 || c === 0x5c) return -1;
  }
  return -1;
}

function integer(text: string, i: number, end: number): unknown {
  const negative = text.charCodeAt(i) === 0x2d;
  const first = negative ? i + 1 : i;
  const k = digitsEnd(text, first, end);
  const value = wholeNumberAt(text, first, k);
  if (value === -1) return NOT_FLAT;
  if (k < end) {
    const c = text.charCodeAt(k);
    if (c === 0x2e || c === 0x65 || c === 0x45) return NOT_FLAT; // a fraction or an exponent
  }
  after = k;
  return negative ? -value : value;
}

/** Where the digits that start at `i` end (at `end` at the latest). */
export function digitsEnd(text: string, i: number, end: number): number {
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
    i++;
  }
  return i;
}

/**
 * The digits `text[start, end)` as a number, or -1 when JSON would not write
 * them so (none, a leading zero) or they may not be exact (over 15).
 */
export function wholeNumberAt(text: string, start: number, end: number): number {
  const n = end - start;
  if (n === 0 || n > MAX_DIGITS || (n > 1 && text.charCodeAt(start) === 0x30)) return -1;
  let value = 0;
  for (let i = start; i < end; i++) value = value * 10 + (text.charCodeAt(i) - 0x30);
  return value;
}

function word(text: string, i: number, end: number, w: string): boolean {
  if (i + w.length > end) return false;
  for (let k = 1; k < w.length; k++) if (text.charCodeAt(i + k) !== w.charCodeAt(k)) return false;
  after = i + w.length;
  return true;
}
