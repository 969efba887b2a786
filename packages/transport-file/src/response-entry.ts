/**
 * Answers inside entries, both ways. The seed's members: `result`, or
 * `error` (the message, a string). Members its programs ignore:
 *
 * - `errorCode`, `errorData`: the JSON-RPC error's code and data (canonical
 *   code, error class, details), so Interoffice callers rebuild the error;
 * - `responseMeta`: the response metadata;
 * - `items`: server-stream items the caller has not read yet;
 * - `replies`: the answers to a `frame` entry, as JSON;
 * - `taken`: the id of the server running the call, until it answers;
 * - `answeredAt`: when the server answered (epoch ms), for clearing out
 *   answers nobody collects.
 */
import { encodeItem, encodeResult, jsonRpcCodeOf, type Id, type ResponseMessage } from '@interoffice/core';
import { toJson } from './json.js';
import { isObject, RawObject } from './raw-object.js';

/** Append `values` to the list in member `key`, without rewriting what is there. */
function append(entry: RawObject, key: string, values: readonly unknown[]): void {
  if (values.length === 0) return;
  const added = values.map(toJson).join(',');
  const old = entry.text(key);
  const list = old !== undefined && old.startsWith('[') && old !== '[]' ? `${old.slice(0, -1)},${added}]` : `[${added}]`;
  entry.setText(key, list);
}

/** Write core's responses to one entry's call into the entry, in order. */
export function answerEntry(entry: RawObject, responses: readonly ResponseMessage[], now: number): void {
  const items: unknown[] = [];
  for (const r of responses) {
    if ('item' in r) {
      items.push(r.item ?? null);
      continue;
    }
    append(entry, 'items', items.splice(0));
    if ('error' in r && isObject(r.error)) {
      entry.set('error', typeof r.error.message === 'string' ? r.error.message : 'error');
      entry.set('errorCode', r.error.code);
      if (r.error.data !== undefined) entry.set('errorData', r.error.data);
    } else {
      entry.set('result', r.result ?? null);
    }
    if (r.meta !== undefined) entry.set('responseMeta', r.meta);
    entry.delete('taken');
    entry.set('answeredAt', now);
  }
  append(entry, 'items', items);
}

/** Write answers to a `frame` entry (any JSON core sent: responses, batches). */
export function replyToEntry(entry: RawObject, replies: readonly unknown[]): void {
  append(entry, 'replies', replies);
}

/** True when an entry holds its final answer. */
export function isAnswered(entry: Record<string, unknown>): boolean {
  return 'result' in entry || 'error' in entry;
}

/** True when a reply to a `frame` entry ends it (a batch's answer, or a response). */
export function isFinalReply(reply: unknown): boolean {
  return Array.isArray(reply) || (isObject(reply) && ('result' in reply || 'error' in reply));
}

const ANSWER_MEMBERS = ['result', 'error', 'errorData', 'responseMeta', 'items'];

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
 * The frames an answered (or streaming) entry holds for call `id`, for the
 * caller's core to read: items first, then the result or the error. A
 * server in the seed's style writes only `error`, a message: it reads as UNKNOWN.
 */
export function answerFrames(id: Id, entry: Record<string, unknown>): string[] {
  const frames = Array.isArray(entry.items) ? entry.items.map((item: unknown) => encodeItem(id, item)) : [];
  const meta = isObject(entry.responseMeta) ? (entry.responseMeta as Record<string, string>) : undefined;
  if ('result' in entry) {
    frames.push(encodeResult(id, entry.result, meta));
  } else if ('error' in entry) {
    const message = typeof entry.error === 'string' ? entry.error : JSON.stringify(entry.error);
    const error: Record<string, unknown> = { code: typeof entry.errorCode === 'number' ? entry.errorCode : UNKNOWN, message };
    if (isObject(entry.errorData)) error.data = entry.errorData;
    frames.push(JSON.stringify(meta === undefined ? { jsonrpc: '2.0', id, error } : { jsonrpc: '2.0', id, error, meta }));
  }
  return frames;
}
