/**
 * Fast paths for the two commonest frames, exactly as this library's own
 * encoders write them: a request with a numeric id and no metadata, and a
 * bare result. Each reads the fixed members by hand, and the params (or the
 * result) by hand too when they are simple (flat-json.ts), else with
 * JSON.parse — about twice as fast as JSON.parse of the whole frame
 * (bench/README.md, "Measured design choices").
 *
 * Anything else — other member order, spacing, escapes in the method,
 * string ids, metadata — returns undefined and takes the full parse. The
 * fixed parts are matched exactly and the value between them must parse
 * alone, so a frame is read here only when JSON.parse would read it the
 * same way.
 */

import { digitsEnd, NOT_FLAT, parseFlatJson, wholeNumberAt } from './flat-json.js';
import { parsePeerJson } from './json-depth.js';

/** How requests and results begin; the id starts right after. */
const ID_START = '{"jsonrpc":"2.0","id":'.length;

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

/** A request read by {@link parseSimpleRequest}. */
export interface SimpleRequest {
  readonly id: number;
  readonly method: string;
  readonly params: unknown;
  /** The `timeout` member; undefined when absent. */
  readonly timeout: number | undefined;
}

/**
 * Everything up to the params (or the result), checked in one go: a sticky
 * regex runs as compiled code, faster than comparing the first 22
 * characters in a loop. The id is a JSON integer of at most 15 digits; the
 * method holds no character JSON escapes.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: a method name holds no control character JSON would escape
const REQUEST_HEAD_RE = /\{"jsonrpc":"2\.0","id":(?:0|[1-9][0-9]{0,14}),"method":"[^"\\\x00-\x1f]+","params":/y;
const RESULT_HEAD_RE = /\{"jsonrpc":"2\.0","id":(?:0|[1-9][0-9]{0,14}),"result":/y;
const METHOD_MEMBER = ',"method":"';
const PARAMS_MEMBER = '","params":';
const TIMEOUT_MEMBER = ',"timeout":';

/**
 * `{"jsonrpc":"2.0","id":<integer>,"method":"<name>","params":<value>}`,
 * optionally with `,"timeout":<integer>` before the closing brace: what
 * `encodeRequest` writes for a call without metadata.
 */
export function parseSimpleRequest(frame: string): SimpleRequest | undefined {
  const last = frame.length - 1;
  REQUEST_HEAD_RE.lastIndex = 0;
  if (frame.charCodeAt(last) !== 0x7d || !REQUEST_HEAD_RE.test(frame)) return undefined;
  const paramsStart = REQUEST_HEAD_RE.lastIndex;
  const idEnd = digitsEnd(frame, ID_START, paramsStart);
  const method = frame.slice(idEnd + METHOD_MEMBER.length, paramsStart - PARAMS_MEMBER.length);
  // The end: `,"timeout":<integer>}` or just `}`.
  let paramsEnd = last;
  let timeout: number | undefined;
  let t = last;
  while (t > paramsStart && isDigit(frame.charCodeAt(t - 1))) t--;
  if (t < last && frame.slice(t - TIMEOUT_MEMBER.length, t) === TIMEOUT_MEMBER) {
    timeout = wholeNumberAt(frame, t, last);
    if (timeout === -1) return undefined;
    paramsEnd = t - TIMEOUT_MEMBER.length;
  }
  if (paramsEnd <= paramsStart) return undefined;
  const params = valueAt(frame, paramsStart, paramsEnd);
  return params === NOT_FLAT ? undefined : { id: wholeNumberAt(frame, ID_START, idEnd), method, params, timeout };
}

/**
 * `{"jsonrpc":"2.0","id":<digits>,"result":<value>}`: a result as
 * `encodeResult` writes it without metadata.
 */
export function parseSimpleResult(frame: string): { id: number; result: unknown } | undefined {
  RESULT_HEAD_RE.lastIndex = 0;
  if (frame.charCodeAt(frame.length - 1) !== 0x7d || !RESULT_HEAD_RE.test(frame)) return undefined;
  const resultStart = RESULT_HEAD_RE.lastIndex;
  const id = wholeNumberAt(frame, ID_START, digitsEnd(frame, ID_START, resultStart));
  const result = valueAt(frame, resultStart, frame.length - 1);
  return result === NOT_FLAT ? undefined : { id, result };
}

/** The JSON value `frame[start, end)`: by hand when simple, else JSON.parse; NOT_FLAT when it is no JSON value at all. */
function valueAt(frame: string, start: number, end: number): unknown {
  const flat = parseFlatJson(frame, start, end);
  if (flat !== NOT_FLAT) return flat;
  try {
    return parsePeerJson(frame, start, end);
  } catch {
    return NOT_FLAT;
  }
}
