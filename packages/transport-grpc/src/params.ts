/**
 * Core's params (by name, positional, or none) ↔ the JSON of a request
 * message, with the same rules as on JSON transports: positional params
 * fill the fields in declaration order, and a method whose input is not an
 * object takes its value as the single positional param.
 */
import { RpcError } from '@interoffice/core';
import type { MessageCodec } from './proto/codec.js';

/** Client: wire params → the request message's JSON. */
export function requestJson(codec: MessageCodec, params: unknown, method: string): unknown {
  if (codec.single) {
    if (!Array.isArray(params)) return params;
    if (params.length > 1) throw new RpcError('INVALID_ARGUMENT', `${method} takes one positional param, got ${params.length}`);
    return params[0];
  }
  if (params === undefined || params === null) return {};
  if (!Array.isArray(params)) return params;
  const fields = codec.desc.fields;
  if (params.length > fields.length) {
    const names = fields.map((f) => f.jsonName).join(', ');
    throw new RpcError(
      'INVALID_ARGUMENT',
      `${method} takes at most ${fields.length} positional params (${names}), got ${params.length}`,
    );
  }
  const named: Record<string, unknown> = {};
  params.forEach((value, i) => {
    named[fields[i]?.jsonName ?? ''] = value;
  });
  return named;
}

/** Server: the request message's JSON → params for core's dispatcher. */
export function paramsOf(codec: MessageCodec, json: unknown): unknown {
  return codec.single ? [json] : json;
}
