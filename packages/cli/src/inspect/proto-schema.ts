/**
 * The JSON Schema of a protobuf message's proto3 JSON form — what a call by
 * name over gRPC takes and gives — so the inspector can draw a form for a
 * method it learnt through reflection.
 */
import { ScalarType, type DescField, type DescMessage, type DescMethod } from '@bufbuild/protobuf';

type Json = Record<string, unknown>;

const WRAPPED = /(Request|Response)$/;

function scalar(t: ScalarType): Json {
  switch (t) {
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      return { type: 'number' };
    case ScalarType.BOOL:
      return { type: 'boolean' };
    case ScalarType.STRING:
      return { type: 'string' };
    case ScalarType.BYTES:
      return { type: 'string', contentEncoding: 'base64' };
    default:
      // int32 and int64 families (proto3 JSON writes 64-bit ones as strings, and reads numbers too).
      return { type: 'integer' };
  }
}

function fieldSchema(f: DescField, depth: number): Json {
  switch (f.fieldKind) {
    case 'scalar':
      return scalar(f.scalar);
    case 'enum':
      return { enum: f.enum.values.map((v) => v.name) };
    case 'message':
      return messageSchema(f.message, depth + 1);
    case 'list':
      return {
        type: 'array',
        items:
          f.listKind === 'scalar'
            ? scalar(f.scalar)
            : f.listKind === 'enum'
              ? { enum: f.enum.values.map((v) => v.name) }
              : messageSchema(f.message, depth + 1),
      };
    case 'map':
      return {
        type: 'object',
        additionalProperties:
          f.mapKind === 'scalar'
            ? scalar(f.scalar)
            : f.mapKind === 'enum'
              ? { enum: f.enum.values.map((v) => v.name) }
              : messageSchema(f.message, depth + 1),
      };
  }
}

/** A message as an object of its fields by JSON name (deep or recursive messages end as a bare object). */
export function messageSchema(m: DescMessage, depth = 0): Json {
  if (m.typeName === 'google.protobuf.Timestamp' || m.typeName === 'google.protobuf.Duration') return { type: 'string' };
  if (depth > 6) return { type: 'object' };
  const properties: Record<string, Json> = {};
  for (const f of m.fields) properties[f.jsonName] = fieldSchema(f, depth);
  return { type: 'object', properties };
}

/**
 * A method's input or output schema as a call by name sees it: a zod
 * service's one-field `<Rpc>Request`/`<Rpc>Response` (its only field
 * `value`) is given and read as the bare value.
 */
export function callSchema(method: DescMethod, side: 'input' | 'output'): Json {
  const m = side === 'input' ? method.input : method.output;
  const only = m.fields.length === 1 ? m.fields[0] : undefined;
  if (only?.name === 'value' && WRAPPED.test(m.name)) return fieldSchema(only, 0);
  return messageSchema(m);
}
