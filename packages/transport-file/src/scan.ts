/**
 * Finds where JSON values and object members begin and end in a text,
 * without building them, so that members nobody changes can be written
 * back exactly as they were (another program's `2.0` stays `2.0`).
 *
 * The functions assume JSON that `JSON.parse` has already accepted, except
 * {@link skipValue}, which also measures the leading value of a text that has
 * trailing bytes (and returns -1 when the value is cut short).
 */

/** One member of an object: its key and the span of its value's text. */
export interface Member {
  readonly key: string;
  readonly start: number;
  readonly end: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Index of the first non-whitespace character at or after `i`. */
export function skipSpace(text: string, i: number): number {
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

/** Index just past the string whose opening quote is at `i`, or -1 when it never closes. */
export function skipString(text: string, i: number): number {
  let from = i + 1;
  for (;;) {
    const q = text.indexOf('"', from);
    if (q === -1) return -1;
    let slashes = 0;
    while (text.charCodeAt(q - 1 - slashes) === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return q + 1;
    from = q + 1;
  }
}

/** Index just past the value that starts at or after `i` (leading whitespace skipped), or -1 when cut short. */
export function skipValue(text: string, i: number): number {
  i = skipSpace(text, i);
  const c = text.charCodeAt(i);
  if (c === QUOTE) return skipString(text, i);
  if (c !== 0x7b && c !== 0x5b) {
    // A number or a literal: runs to the next delimiter.
    let j = i;
    while (j < text.length) {
      const d = text.charCodeAt(j);
      if (d === 0x2c || d === 0x5d || d === 0x7d || isSpace(d)) break;
      j++;
    }
    return j > i ? j : -1;
  }
  let depth = 0;
  for (let j = i; j < text.length; j++) {
    const d = text.charCodeAt(j);
    if (d === QUOTE) {
      j = skipString(text, j) - 1;
      if (j < 0) return -1;
    } else if (d === 0x7b || d === 0x5b) {
      depth++;
    } else if ((d === 0x7d || d === 0x5d) && --depth === 0) {
      return j + 1;
    }
  }
  return -1;
}

function readKey(text: string, start: number, end: number): string {
  const inner = text.slice(start + 1, end - 1);
  return inner.includes('\\') ? (JSON.parse(text.slice(start, end)) as string) : inner;
}

/** The members of the object whose `{` is at `open`, in order (a repeated key appears twice). */
export function objectMembers(text: string, open: number): Member[] {
  const members: Member[] = [];
  let i = skipSpace(text, open + 1);
  if (text.charCodeAt(i) === 0x7d) return members;
  for (;;) {
    const keyEnd = skipString(text, i);
    const key = readKey(text, i, keyEnd);
    const start = skipSpace(text, skipSpace(text, keyEnd) + 1); // past the colon
    const end = skipValue(text, start);
    members.push({ key, start, end });
    i = skipSpace(text, end);
    if (text.charCodeAt(i) !== 0x2c) return members; // the closing brace
    i = skipSpace(text, i + 1);
  }
}

/** The texts of the elements of the JSON array `text` (valid JSON, starting with `[`). */
export function arrayElements(text: string): string[] {
  const out: string[] = [];
  let i = skipSpace(text, 1);
  if (text.charCodeAt(i) === 0x5d) return out;
  for (;;) {
    const end = skipValue(text, i);
    out.push(text.slice(skipSpace(text, i), end));
    i = skipSpace(text, end);
    if (text.charCodeAt(i) !== 0x2c) return out;
    i += 1;
  }
}
