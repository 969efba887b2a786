/**
 * The core {@link Schema}s of a tRPC procedure served over Interoffice.
 *
 * tRPC validates its own inputs (its input parser turns bad input into
 * BAD_REQUEST), so these schemas do not validate: they only apply the
 * router's data transformer, which is the conversion between the wire form
 * and the typed value that core's schemas exist for.
 */
import type { Schema, SchemaResult } from '@interoffice/core';
import { isTrackedEnvelope, type AnyTRPCProcedure, type TRPCCombinedDataTransformer } from '@trpc/server';
import { STARTED } from './wire.js';

const ok = <T>(data: T): SchemaResult<T> => ({ success: true, data });

function failed(what: string, e: unknown): SchemaResult<never> {
  return { success: false, issues: [{ path: [], message: `${what}: ${e instanceof Error ? e.message : String(e)}` }] };
}

type JsonSchema = Record<string, unknown>;

/** The input JSON Schema a Standard JSON Schema parser (zod 4, valibot, arktype…) offers, if any. */
function standardJsonSchema(parser: unknown): JsonSchema | undefined {
  if ((typeof parser !== 'object' && typeof parser !== 'function') || parser === null) return undefined;
  const std = (parser as { '~standard'?: { jsonSchema?: { input?: unknown } } })['~standard'];
  const converter = std?.jsonSchema;
  if (typeof converter?.input !== 'function') return undefined;
  try {
    return (converter.input as (o: { target: string }) => JsonSchema).call(converter, { target: 'draft-2020-12' });
  } catch {
    return undefined; // a type JSON Schema cannot express: the method is described without it
  }
}

/**
 * The JSON Schema of a procedure's input: its one parser's, or, when it
 * chains several `.input()` objects (which tRPC merges), their properties
 * together.
 */
function inputJsonSchema(parsers: readonly unknown[]): JsonSchema | undefined {
  const schemas = parsers.map(standardJsonSchema);
  if (schemas.length === 1) return schemas[0];
  if (schemas.length === 0 || schemas.some((s) => s?.type !== 'object' || typeof s.properties !== 'object')) return undefined;
  const merged = { type: 'object', properties: {} as JsonSchema, required: [] as unknown[] };
  for (const s of schemas as JsonSchema[]) {
    Object.assign(merged.properties, s.properties);
    if (Array.isArray(s.required)) merged.required.push(...(s.required as unknown[]));
  }
  return merged;
}

/** Field names in declaration order, so positional params (`[2, 5]`) map onto an object input. */
function fieldsOf(json: JsonSchema | undefined): readonly string[] | undefined {
  if (json?.type !== 'object' || typeof json.properties !== 'object' || json.properties === null) return undefined;
  return Object.freeze(Object.keys(json.properties));
}

/**
 * The input schema: the router's input transformer on the way in. With no
 * transformer, the wire form is the input itself, so the method is described
 * (and takes positional params) by its parser's JSON Schema where it has one.
 */
export function inputSchema(
  procedure: AnyTRPCProcedure,
  transformer: TRPCCombinedDataTransformer,
  plain: boolean,
): Schema<unknown> {
  const json = plain ? inputJsonSchema(procedure._def.inputs) : undefined;
  const decode = (wire: unknown): SchemaResult<unknown> => {
    try {
      return ok(transformer.input.deserialize(wire));
    } catch (e) {
      return failed('input cannot be deserialized', e);
    }
  };
  return {
    decode: plain ? ok : decode,
    encode: ok,
    fields: fieldsOf(json),
    source: procedure,
    jsonSchema: json === undefined ? undefined : () => json,
  };
}

/** Apply the router's output transformer; INTERNAL (via core) when it throws. */
function serializer(transformer: TRPCCombinedDataTransformer): (value: unknown) => SchemaResult<unknown> {
  return (value) => {
    try {
      return ok(transformer.output.serialize(value));
    } catch (e) {
      return failed('output cannot be serialized', e);
    }
  };
}

/** The output schema of a query or mutation: the result, serialized. */
export function resultSchema(procedure: AnyTRPCProcedure, transformer: TRPCCombinedDataTransformer): Schema<unknown> {
  return { decode: ok, encode: serializer(transformer), fields: undefined, source: procedure };
}

/**
 * The item schema of a subscription: each value the procedure yields becomes
 * a `data` item (with its id when it was `tracked()`); the `started` marker
 * passes as it is. See {@link SubscriptionItem}.
 */
export function itemSchema(procedure: AnyTRPCProcedure, transformer: TRPCCombinedDataTransformer): Schema<unknown> {
  const serialize = serializer(transformer);
  const encode = (value: unknown): SchemaResult<unknown> => {
    if (value === STARTED) return ok(STARTED);
    const tracked = isTrackedEnvelope(value);
    const data = serialize(tracked ? value[1] : value);
    if (!data.success) return data;
    return ok(tracked ? { type: 'data', id: value[0], data: data.data } : { type: 'data', data: data.data });
  };
  return { decode: ok, encode, fields: undefined, source: procedure };
}
