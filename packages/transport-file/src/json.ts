/**
 * JSON text for what we write into the shared file.
 *
 * Programs in the seed's style rewrite the file in place without truncating
 * it (`open(..., "r+")`, `json.dump`, no `truncate()`): when what they write
 * is shorter than what was there, the old tail stays behind and the next
 * reader fails with "Extra data". We never want to be the cause, so
 * everything we write is no longer than Python's `json.dump` of the same
 * data: we write no spaces (Python writes `", "` and `": "`), UTF-8 rather
 * than `\uXXXX` escapes, and numbers no longer than Python's — the one case
 * where JavaScript's are longer is 1e-6 ≤ |x| < 1e-4 (`0.00001`, which Python
 * writes `1e-05`), and we write those as `1e-5`.
 */
import { skipString } from './scan.js';

const TINY = '0.0000';

/** `JSON.stringify(value)`, with numbers in [1e-6, 1e-4) in exponent form. */
export function toJson(value: unknown): string {
  const text = JSON.stringify(value) as string | undefined;
  if (text === undefined) throw new TypeError('value cannot be written as JSON');
  return text.includes(TINY) ? shortenTinyNumbers(text) : text;
}

function isDelimiter(c: number): boolean {
  return c === 0x5b || c === 0x2c || c === 0x3a || Number.isNaN(c); // [ , : or the start of the text
}

function shortenTinyNumbers(text: string): string {
  let out = '';
  let copied = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      i = skipString(text, i) - 1; // never touch the inside of a string
      continue;
    }
    const sign = c === 0x2d ? 1 : 0;
    if ((c !== 0x30 && sign === 0) || !isDelimiter(text.charCodeAt(i - 1)) || !text.startsWith(TINY, i + sign)) continue;
    let end = i + sign + TINY.length;
    while (end < text.length && text.charCodeAt(end) >= 0x30 && text.charCodeAt(end) <= 0x39) end++;
    out += text.slice(copied, i) + Number(text.slice(i, end)).toExponential();
    copied = end;
    i = end - 1;
  }
  return out + text.slice(copied);
}
