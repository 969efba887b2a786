/**
 * What the JSON transports do with a zod schema, done against a protobuf
 * message so a call over gRPC reads the same: keys the message does not have
 * are dropped (zod strips them), and a value that does not fit is an issue
 * at its full path (`customer.address.city`) with zod's wording
 * (`Invalid input: expected string, received number`).
 */
import { fromJson, ScalarType, type DescField, type DescMessage, type JsonValue } from '@bufbuild/protobuf';
import type { Issue } from '@interoffice/core';

type Json = Record<string, unknown>;
type Path = (string | number)[];
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
// Well-known types have a JSON form of their own (timestamps, Value, wrappers): protobuf-es judges them whole.
const special = (m: DescMessage): boolean => m.typeName.startsWith('google.protobuf.');
const fieldOf = (desc: DescMessage, key: string): DescField | undefined =>
  desc.fields.find((f) => f.jsonName === key || f.name === key);

/** `json` without the keys `desc` (and the messages in it) does not have. */
export function stripUnknown(desc: DescMessage, json: unknown): unknown {
  if (!isObject(json) || special(desc)) return json;
  const out: Json = {};
  for (const [key, value] of Object.entries(json)) {
    const f = fieldOf(desc, key);
    if (f === undefined) continue;
    if (f.fieldKind === 'message') out[key] = stripUnknown(f.message, value);
    else if (f.fieldKind === 'list' && f.listKind === 'message' && Array.isArray(value))
      out[key] = value.map((v) => stripUnknown(f.message, v));
    else if (f.fieldKind === 'map' && f.mapKind === 'message' && isObject(value))
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stripUnknown(f.message, v)]));
    else out[key] = value;
  }
  return out;
}

/** Every value in `json` that does not fit `desc`, at its full path. */
export function issuesOf(desc: DescMessage, json: unknown, path: Path = []): Issue[] {
  if (!isObject(json)) return [typeIssue(path, 'object', json)];
  const issues: Issue[] = [];
  // In field order, as zod lists an object's issues in its shape's order.
  for (const f of desc.fields) {
    const key = f.jsonName in json ? f.jsonName : f.name;
    const value = json[key];
    if (value !== null && value !== undefined) issues.push(...fieldIssues(desc, f, key, value, [...path, key]));
  }
  return issues;
}

function fieldIssues(desc: DescMessage, f: DescField, key: string, value: unknown, path: Path): Issue[] {
  switch (f.fieldKind) {
    case 'message':
      return special(f.message) ? probe(desc, f, { [key]: value }, value, path) : issuesOf(f.message, value, path);
    case 'list':
      if (!Array.isArray(value)) return [typeIssue(path, 'array', value)];
      return value.flatMap((v, i) =>
        f.listKind === 'message' && !special(f.message)
          ? issuesOf(f.message, v, [...path, i])
          : probe(desc, f, { [key]: [v] }, v, [...path, i]),
      );
    case 'map':
      if (!isObject(value)) return [typeIssue(path, 'record', value)];
      return Object.entries(value).flatMap(([k, v]) =>
        f.mapKind === 'message' && !special(f.message)
          ? issuesOf(f.message, v, [...path, k])
          : probe(desc, f, { [key]: { [k]: v } }, v, [...path, k]),
      );
    default:
      return probe(desc, f, { [key]: value }, value, path);
  }
}

/** Let protobuf-es judge one value alone; say what is wrong as zod would. */
function probe(desc: DescMessage, f: DescField, json: Json, value: unknown, path: Path): Issue[] {
  try {
    fromJson(desc, json as JsonValue, { ignoreUnknownFields: false });
    return [];
  } catch (e) {
    // An enum field, or a list or map of enums.
    const enumOf = f.fieldKind === 'message' ? undefined : f.enum;
    if (enumOf !== undefined && typeof value === 'string') {
      const names = enumOf.values.map((v) => v.name).filter((n, i) => i !== 0 || !n.endsWith('_UNSPECIFIED'));
      return [
        {
          path,
          code: 'invalid_value',
          message: `Invalid option: expected one of ${names.map((n) => JSON.stringify(n)).join('|')}`,
        },
      ];
    }
    const scalar = scalarOf(f);
    let want = enumOf !== undefined ? 'string' : scalar === undefined ? undefined : expectedOf(scalar);
    // zod asks an integer field for a number first (`received string`), then for an int (`received number`: 1.5).
    if (want === 'int' && typeof value !== 'number') want = 'number';
    // The right kind of value that still does not fit (a lone surrogate, say): protobuf-es's own words.
    if (want !== undefined && want !== received(value)) return [typeIssue(path, want, value)];
    return [{ path, code: 'invalid_type', message: shorten((e as Error).message) }];
  }
}

function scalarOf(f: DescField): ScalarType | undefined {
  if (f.fieldKind === 'scalar') return f.scalar;
  if (f.fieldKind === 'list' && f.listKind === 'scalar') return f.scalar;
  if (f.fieldKind === 'map' && f.mapKind === 'scalar') return f.scalar;
  return undefined;
}

function expectedOf(t: ScalarType): string {
  switch (t) {
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      return 'number';
    case ScalarType.BOOL:
      return 'boolean';
    case ScalarType.STRING:
      return 'string';
    case ScalarType.BYTES:
      return 'base64';
    default:
      return 'int';
  }
}

const received = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

function typeIssue(path: Path, expected: string, value: unknown): Issue {
  return { path, code: 'invalid_type', message: `Invalid input: expected ${expected}, received ${received(value)}` };
}

// "cannot decode field calculator.v1.Operands.a from JSON: expected number (float64), got "bad"" → the reason.
export const shorten = (message: string): string => message.replace(/^cannot decode (field|message) \S+ from JSON: /, '');
