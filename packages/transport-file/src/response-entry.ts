/**
 * Answers inside entries, both ways. The seed's members: `result`, or
 * `error` (the message, a string). Members its programs ignore:
 *
 * - `errorCode`, `errorData`: the JSON-RPC error's code and data (canonical
 *   code, error class, details), so Interoffice callers rebuild the error;
 * - `responseMeta`: the response metadata;
 * - `items`: server-stream items the caller has not read yet;
 * - `itemIds`: a resumable stream's item ids, one for each of `items`;
 * - `replies`: the answers to a `frame` entry, as JSON, in order;
 * - `taken`: the id of the server running the call, until it answers;
 * - `answeredAt`: when the server answered (epoch ms), for clearing out
 *   answers nobody collects — and, on a `frame` entry, the mark that its
 *   replies are complete.
 */
import { jsonRpcCodeOf, type ResponseFields } from '@interoffice/core';
import { toJson } from './json.js';
import { arrayElements } from './scan.js';
import { isObject, RawObject } from './raw-object.js';

/** Append JSON texts to the list in member `key`, without rewriting what is there. */
function append(entry: RawObject, key: string, texts: readonly string[]): void {
  if (texts.length === 0) return;
  const added = texts.join(',');
  const old = entry.text(key);
  const list = old?.startsWith('[') && old !== '[]' ? `${old.slice(0, -1)},${added}]` : `[${added}]`;
  entry.setText(key, list);
}

/** What a server writes into one entry in a cycle: stream items, or replies, then perhaps the end. */
export interface EntryWrites {
  /** `items` for a call entry's stream items, `replies` for a `frame` entry's answers. */
  readonly member: 'items' | 'replies';
  /** What to append to that list, as JSON text each. */
  readonly texts: string[];
  /** A resumable stream's item ids, one for each of `texts`, as JSON text each (else none). */
  readonly ids: string[];
  /** The call's final answer, member by member; or `true`: none is due (a `frame` entry's replies are complete). */
  final: ResponseFields | true | undefined;
}

/** Write what a server queued for an entry into it. */
export function writeAnswers(entry: RawObject, writes: EntryWrites, now: number): void {
  append(entry, writes.member, writes.texts);
  append(entry, 'itemIds', writes.ids);
  const final = writes.final;
  if (final === undefined) return;
  if (final !== true) {
    if (final.error !== undefined) {
      entry.set('error', final.error.message);
      entry.set('errorCode', final.error.code);
      if (final.error.data !== undefined) entry.set('errorData', final.error.data);
    } else {
      entry.set('result', final.result ?? null);
    }
    if (final.meta !== undefined) entry.set('responseMeta', final.meta);
  }
  entry.delete('taken');
  entry.set('answeredAt', now);
}

/** The answer a server writes for a call it will not finish: UNAVAILABLE, saying why. */
export function unavailable(id: string, message: string): ResponseFields {
  return { id, error: { code: jsonRpcCodeOf('UNAVAILABLE'), message, data: { code: 'UNAVAILABLE' } } };
}

/** True when an entry holds its final answer. */
export function isAnswered(entry: Record<string, unknown>): boolean {
  return 'result' in entry || 'error' in entry;
}

const ANSWER_MEMBERS = ['result', 'error', 'errorData', 'responseMeta', 'items', 'itemIds', 'replies'];

/**
 * UTF-8 bytes of the answer in an entry's text (without the request it
 * also holds), when it could exceed `max`; 0 when it surely does not.
 */
export function answerBytes(text: string, max: number): number {
  if (text.length * 3 <= max) return 0;
  const entry = RawObject.parse(text, 0);
  let bytes = 0;
  for (const key of ANSWER_MEMBERS) bytes += Buffer.byteLength(entry.text(key) ?? '');
  return bytes;
}

const UNKNOWN = jsonRpcCodeOf('UNKNOWN');

/**
 * What an answered (or streaming) call entry holds for call `id`, for the
 * caller's core: items first, then the result or the error. A server in the
 * seed's style writes only `error`, a message: it reads as UNKNOWN.
 */
export function responsesOf(id: string | number | null, entry: Record<string, unknown>): ResponseFields[] {
  const ids: unknown[] = Array.isArray(entry.itemIds) ? entry.itemIds : [];
  const out: ResponseFields[] = Array.isArray(entry.items)
    ? entry.items.map((item: unknown, i) => {
        const itemId = ids[i];
        return typeof itemId === 'string' ? { id, item, itemId } : { id, item };
      })
    : [];
  const meta = isObject(entry.responseMeta) ? (entry.responseMeta as Record<string, string>) : undefined;
  const withMeta = meta === undefined ? {} : { meta };
  if ('result' in entry) {
    out.push({ id, result: entry.result, ...withMeta });
  } else if ('error' in entry) {
    const message = typeof entry.error === 'string' ? entry.error : toJson(entry.error);
    const code = typeof entry.errorCode === 'number' ? entry.errorCode : UNKNOWN;
    const error = isObject(entry.errorData) ? { code, message, data: entry.errorData } : { code, message };
    out.push({ id, error, ...withMeta });
  }
  return out;
}

/** The replies of a `frame` entry, as the JSON texts they were written as. */
export function repliesOf(entryText: string): string[] {
  const replies = RawObject.parse(entryText, 0).text('replies');
  return replies === undefined || !replies.startsWith('[') ? [] : arrayElements(replies);
}
