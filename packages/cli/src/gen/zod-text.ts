/**
 * zod source text for a protobuf field, twice: its proto3 JSON form (what
 * JSON transports carry, checked on the way in) and its TypeScript form as
 * ts-proto types it (checked on the way out).
 */
import { ScalarType, type DescEnum, type DescField, type DescMessage } from '@bufbuild/protobuf';

/** How generated code refers to another message's shapes (same file, another file, or inline). */
export type MessageRef = (message: DescMessage, form: 'json' | 'ts') => string;

/** Helpers every generated file defines (see `helpers` in emit.ts). */
function scalarJson(t: ScalarType): string {
  switch (t) {
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      return 'num';
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
      return 'int32';
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return 'uint32';
    case ScalarType.INT64:
    case ScalarType.UINT64:
    case ScalarType.SINT64:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return 'int64';
    case ScalarType.BOOL:
      return 'z.boolean()';
    case ScalarType.STRING:
      return 'z.string()';
    case ScalarType.BYTES:
      return 'b64';
  }
}

function scalarTs(t: ScalarType): string {
  switch (t) {
    case ScalarType.BOOL:
      return 'z.boolean()';
    case ScalarType.STRING:
      return 'z.string()';
    case ScalarType.BYTES:
      return 'z.instanceof(Uint8Array)';
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      return 'z.number()';
    default:
      return 'z.number().int()';
  }
}

const enumJson = (e: DescEnum): string => `z.union([z.enum(${JSON.stringify(e.values.map((v) => v.name))}), z.number().int()])`;

/** Well-known types as ts-proto types them at field level, and their proto3 JSON. */
const wellKnown: Record<string, { json: string; ts: string }> = {
  'google.protobuf.Timestamp': { json: 'z.iso.datetime({ offset: true })', ts: 'z.date()' },
  'google.protobuf.DoubleValue': { json: 'num', ts: 'z.number()' },
  'google.protobuf.FloatValue': { json: 'num', ts: 'z.number()' },
  'google.protobuf.Int32Value': { json: 'int32', ts: 'z.number().int()' },
  'google.protobuf.UInt32Value': { json: 'uint32', ts: 'z.number().int()' },
  'google.protobuf.Int64Value': { json: 'int64', ts: 'z.number().int()' },
  'google.protobuf.UInt64Value': { json: 'int64', ts: 'z.number().int()' },
  'google.protobuf.BoolValue': { json: 'z.boolean()', ts: 'z.boolean()' },
  'google.protobuf.StringValue': { json: 'z.string()', ts: 'z.string()' },
  'google.protobuf.BytesValue': { json: 'b64', ts: 'z.instanceof(Uint8Array)' },
  'google.protobuf.Struct': { json: 'z.record(z.string(), z.unknown())', ts: 'z.record(z.string(), z.unknown())' },
  'google.protobuf.Value': { json: 'z.unknown()', ts: 'z.unknown()' },
  'google.protobuf.ListValue': { json: 'z.array(z.unknown())', ts: 'z.array(z.unknown())' },
  'google.protobuf.Empty': { json: 'z.object({})', ts: 'z.object({})' },
  'google.protobuf.FieldMask': { json: 'z.string()', ts: 'z.array(z.string())' },
};

/** True for google.protobuf types, which generated files describe inline. */
export const isWellKnown = (m: DescMessage): boolean => m.typeName.startsWith('google.protobuf.');

function messageText(m: DescMessage, form: 'json' | 'ts', ref: MessageRef, field: DescField): string {
  const wkt = wellKnown[m.typeName];
  if (wkt !== undefined) return wkt[form];
  if (isWellKnown(m)) {
    // ts-proto writes Duration and Any as plain messages, not in their proto3 JSON form, so gRPC and JSON would disagree.
    throw new Error(`${field.parent.typeName}.${field.name}: ${m.typeName} is not supported by interoffice gen (ts-proto's JSON for it is not proto3 JSON)`);
  }
  return ref(m, form);
}

/** The zod text of a field's value (without presence). */
function valueText(field: DescField, form: 'json' | 'ts', ref: MessageRef): string {
  switch (field.fieldKind) {
    case 'scalar':
      return form === 'json' ? scalarJson(field.scalar) : scalarTs(field.scalar);
    case 'enum':
      return form === 'json' ? enumJson(field.enum) : 'z.number().int()';
    case 'message':
      return messageText(field.message, form, ref, field);
    case 'list': {
      const element =
        field.listKind === 'scalar'
          ? form === 'json'
            ? scalarJson(field.scalar)
            : scalarTs(field.scalar)
          : field.listKind === 'enum'
            ? form === 'json'
              ? enumJson(field.enum)
              : 'z.number().int()'
            : messageText(field.message, form, ref, field);
      return `z.array(${element})`;
    }
    case 'map': {
      const value =
        field.mapKind === 'scalar'
          ? form === 'json'
            ? scalarJson(field.scalar)
            : scalarTs(field.scalar)
          : field.mapKind === 'enum'
            ? form === 'json'
              ? enumJson(field.enum)
              : 'z.number().int()'
            : messageText(field.message, form, ref, field);
      return `z.record(z.string(), ${value})`;
    }
  }
}

/** ts-proto's property name for a field: snake_case becomes camelCase. */
export function tsProperty(name: string): string {
  if (!name.includes('_')) return name;
  const lower = /[a-z]/.test(name);
  return name
    .split('_')
    .map((w, i) => {
      const word = lower ? w : w.toLowerCase();
      return i === 0 ? word : word.slice(0, 1).toUpperCase() + word.slice(1);
    })
    .join('');
}

const key = (k: string): string => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k));

/**
 * The object members of a message's proto3 JSON shape (every field may be
 * absent or null), by JSON name (lowerCamelCase) only: what ts-proto reads.
 */
export function jsonMembers(m: DescMessage, ref: MessageRef): string[] {
  return m.fields.map((f) => `${key(f.jsonName)}: opt(${valueText(f, 'json', ref)})`);
}

/** The object members of a message's TypeScript shape, as ts-proto declares it. */
export function tsMembers(m: DescMessage, ref: MessageRef): string[] {
  return m.fields.map((f) => {
    const text = valueText(f, 'ts', ref);
    const optional = f.oneof !== undefined || f.proto.proto3Optional || f.fieldKind === 'message';
    return `${key(tsProperty(f.name))}: ${optional ? `${text}.optional()` : text}`;
  });
}
