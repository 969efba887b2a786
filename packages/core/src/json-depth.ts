/**
 * JSON from peers, read with a limit on nesting. `JSON.parse` of a frame of
 * nested arrays (`[[[[…`) builds millions of objects — 16 MiB of them
 * blocked the event loop for over a second — and a deep value can overflow
 * the stack of whatever walks it next (validation, encoding). Nesting is
 * counted first, in one pass that stops at the first bracket too deep.
 */

/** How deep a peer's JSON may nest (objects and arrays), counting the message itself. */
export const MAX_JSON_DEPTH = 128;

/** The index just past the string whose opening quote is at `i` (or the text's length). */
function skipString(text: string, i: number): number {
  for (;;) {
    const q = text.indexOf('"', i + 1);
    if (q === -1) return text.length;
    let slashes = 0;
    while (text.charCodeAt(q - 1 - slashes) === 0x5c) slashes++;
    if (slashes % 2 === 0) return q + 1;
    i = q;
  }
}

/** True when `text` nests objects and arrays deeper than `max` (strings are skipped). */
export function nestsDeeperThan(text: string, max: number, start = 0, end = text.length): boolean {
  if (end - start <= max) return false; // too short to hold `max + 1` brackets
  let depth = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) i = skipString(text, i) - 1;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/** `JSON.parse`, refusing (with a SyntaxError) JSON nested deeper than {@link MAX_JSON_DEPTH}. */
export function parsePeerJson(text: string, start = 0, end = text.length): unknown {
  if (nestsDeeperThan(text, MAX_JSON_DEPTH, start, end)) {
    throw new SyntaxError(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
  }
  return JSON.parse(start === 0 && end === text.length ? text : text.slice(start, end));
}
