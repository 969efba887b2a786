/**
 * Requests as entries of the shared file, both ways. An entry is what the
 * seed's programs write — `{"command": "add", "args": [2, 5]}` — plus
 * members they ignore:
 *
 * - `method`: the method name as the caller sent it, when `command` (the
 *   short name, which is what a seed-style server knows) is not the same;
 * - `names`: when the caller named its params, their names, in the order of
 *   `args` (so `args` stays positional for seed-style servers, and ours
 *   rebuild the object exactly);
 * - `meta`, `timeout`, `resumeAfter`: as in the envelope (docs/protocol.md);
 * - `notification`: true when no answer is wanted;
 * - `client`: the writing connection, so a server can tell callers apart;
 * - `frame`: a message the members above cannot express (a batch, a
 *   malformed one), as text, for the server to read as it stands.
 */
import type { RequestFields, RequestRecord } from '@interoffice/core';
import { isObject } from './raw-object.js';

function shortName(method: string): string {
  return method.slice(method.lastIndexOf('.') + 1);
}

/** The entry for one request. */
export function requestEntry(request: RequestFields, client: string): Record<string, unknown> {
  const { method, params } = request;
  const entry: Record<string, unknown> = { command: shortName(method) };
  entry.args = Array.isArray(params) ? params : isObject(params) ? Object.values(params) : [];
  if (entry.command !== method) entry.method = method;
  if (isObject(params)) entry.names = Object.keys(params);
  if (request.meta !== undefined) entry.meta = request.meta;
  if (request.timeout !== undefined) entry.timeout = request.timeout;
  if (request.resumeAfter !== undefined) entry.resumeAfter = request.resumeAfter;
  if (!('id' in request)) entry.notification = true;
  entry.client = client;
  return entry;
}

/** The params an entry carries: `args`, named by `names` when they fit. */
function paramsOf(entry: Record<string, unknown>): unknown {
  const { args, names } = entry;
  if (Array.isArray(args) && Array.isArray(names) && names.length === args.length && names.every((n) => typeof n === 'string')) {
    return Object.fromEntries(names.map((n: string, i) => [n, args[i]]));
  }
  return args;
}

/**
 * The request core reads for an entry, with the entry's key as its id. What
 * the entry gets wrong (no command, `args` that is not a list) is left in,
 * for core to answer with the error it names.
 */
export function requestOf(key: string, entry: Record<string, unknown>): RequestRecord {
  const request: { -readonly [K in keyof RequestRecord]: unknown } = {};
  if (entry.notification !== true) request.id = key;
  request.method = entry.method ?? entry.command;
  request.params = paramsOf(entry);
  if (entry.meta !== undefined) request.meta = entry.meta;
  if (entry.timeout !== undefined) request.timeout = entry.timeout;
  if (entry.resumeAfter !== undefined) request.resumeAfter = entry.resumeAfter;
  return request;
}
