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
 * - `meta`, `timeout`: as in the envelope (docs/protocol.md);
 * - `notification`: true when no answer is wanted;
 * - `client`: the writing connection, so a server can tell callers apart;
 * - `frame`: a frame the fields above cannot express (a batch, a malformed
 *   message), as text, for the server to read as it stands.
 */
import { CANCEL_METHOD, type Id } from '@interoffice/core';
import { isObject } from './raw-object.js';

/** How the client files one frame it sends. */
export type Outgoing =
  /** A call: `id` is the caller's, answered inside the entry. */
  | { readonly kind: 'call'; readonly id: Id; readonly entry: Record<string, unknown> }
  | { readonly kind: 'notification'; readonly entry: Record<string, unknown> }
  /** `rpc.cancel`: the call's entry is withdrawn instead. */
  | { readonly kind: 'cancel'; readonly id: unknown }
  /** Anything else travels whole, and is answered whole. */
  | { readonly kind: 'frame'; readonly entry: Record<string, unknown> };

function isId(id: unknown): id is Id {
  return id === null || typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id));
}

function shortName(method: string): string {
  return method.slice(method.lastIndexOf('.') + 1);
}

/** The entry for a frame the client sends. */
export function outgoing(frame: string, client: string): Outgoing {
  let msg: unknown;
  try {
    msg = JSON.parse(frame);
  } catch {
    return { kind: 'frame', entry: { frame, client } };
  }
  if (!isObject(msg) || msg.jsonrpc !== '2.0' || typeof msg.method !== 'string') {
    return { kind: 'frame', entry: { frame, client } };
  }
  const { id, method, params } = msg;
  const isCall = 'id' in msg;
  if ((isCall && !isId(id)) || (params !== undefined && (typeof params !== 'object' || params === null))) {
    return { kind: 'frame', entry: { frame, client } };
  }
  if (!isCall && method === CANCEL_METHOD) return { kind: 'cancel', id: isObject(params) ? params.id : undefined };
  const entry: Record<string, unknown> = { command: shortName(method) };
  entry.args = Array.isArray(params) ? params : params === undefined ? [] : Object.values(params);
  if (entry.command !== method) entry.method = method;
  if (isObject(params)) entry.names = Object.keys(params);
  if (msg.meta !== undefined) entry.meta = msg.meta;
  if (msg.timeout !== undefined) entry.timeout = msg.timeout;
  if (!isCall) entry.notification = true;
  entry.client = client;
  return isCall ? { kind: 'call', id: id as Id, entry } : { kind: 'notification', entry };
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
 * The envelope core's server reads for an entry, with the entry's key as
 * its id. What the entry gets wrong (no command, `args` that is not a list)
 * is left in, for core to answer with the error it names.
 */
export function requestFrame(key: string, entry: Record<string, unknown>): string {
  const msg: Record<string, unknown> = { jsonrpc: '2.0' };
  if (entry.notification !== true) msg.id = key;
  const method = entry.method ?? entry.command;
  if (method !== undefined) msg.method = method;
  const params = paramsOf(entry);
  if (params !== undefined) msg.params = params;
  if (entry.meta !== undefined) msg.meta = entry.meta;
  if (entry.timeout !== undefined) msg.timeout = entry.timeout;
  return JSON.stringify(msg);
}

/** The first bytes of {@link requestFrame}'s frame, for an entry too large to hand over. */
export function requestHead(key: string): string {
  return `{"jsonrpc":"2.0","id":${JSON.stringify(key)},"method":`;
}
