import { z } from 'zod';
import { fromBase64, toBase64 } from './utf8.js';

/** One problem found by a schema, as sent to callers in INVALID_ARGUMENT details. */
export interface Issue {
  /** Where in the value: field names and array indexes. */
  path: (string | number)[];
  /** What is wrong, for people. */
  message: string;
  /** The schema library's issue code, when it has one (`invalid_type`, ...). */
  code?: string;
}

/**
 * The outcome of decoding or encoding: the value, or the issues that stopped
 * it. Shaped like zod's own result, so a zod success passes through as is.
 */
export type SchemaResult<T> = { success: true; data: T } | { success: false; issues: Issue[] };

/**
 * What core needs of a schema, whatever defined it (zod, or code generated
 * from a .proto). Values cross the wire in their JSON form: `decode` checks
 * and converts wire JSON into the typed value, `encode` the other way.
 */
export interface Schema<T = unknown> {
  /** Validate wire JSON and convert it into the typed value. */
  decode(wire: unknown): SchemaResult<T>;
  /** Validate a typed value and convert it into wire JSON. */
  encode(value: T): SchemaResult<unknown>;
  /**
   * For object schemas, the field names in declaration order: positional
   * params (`[2, 5]`) map onto them. `undefined` for any other shape.
   */
  readonly fields: readonly string[] | undefined;
  /** The schema this was made from (a zod type, a generated message type), for tools. */
  readonly source: unknown;
  /** JSON Schema of the wire form, for OpenRPC (`rpc.discover`) and other tools. */
  jsonSchema?(): Record<string, unknown>;
}

/** The typed value of a {@link Schema}. */
export type Infer<S> = S extends Schema<infer T> ? T : never;

function fromZodIssues(issues: readonly z.core.$ZodIssue[]): Issue[] {
  return issues.map((i) => ({
    path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
    message: i.message,
    code: i.code,
  }));
}

/**
 * True when `type` contains a codec, transform or pipe anywhere: only then
 * do decoding and encoding differ from plain validation. Checked once per
 * schema, because zod's `encode` costs far more than `parse`.
 */
function hasTransforms(type: z.ZodType, seen = new Set<unknown>()): boolean {
  if (seen.has(type)) return false;
  seen.add(type);
  const def = type._zod.def as unknown as Record<string, unknown>;
  if (def.type === 'pipe' || def.type === 'transform') return true;
  const visit = (v: unknown): boolean => {
    if (v instanceof z.ZodType) return hasTransforms(v, seen);
    if (Array.isArray(v)) return v.some(visit);
    if (typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype) {
      return Object.values(v).some(visit);
    }
    return false;
  };
  if (def.type === 'lazy' && typeof def.getter === 'function') return visit((def.getter as () => unknown)());
  return Object.entries(def).some(([k, v]) => k !== 'type' && visit(v));
}

/**
 * Wrap a zod type as a {@link Schema}. zod codecs (see {@link bytes}) decode
 * on the way in and encode on the way out, so a field can be a `Uint8Array`
 * in TypeScript and base64 in JSON.
 */
export function fromZod<Z extends z.ZodType>(type: Z): Schema<z.output<Z>> {
  const fields = type instanceof z.ZodObject ? Object.freeze(Object.keys(type.shape)) : undefined;
  const result = <T>(r: z.ZodSafeParseResult<T>): SchemaResult<T> =>
    r.success ? r : { success: false, issues: fromZodIssues(r.error.issues) };
  let json: Record<string, unknown> | undefined;
  // The wire form is the codec's input side, both ways (results are decoded by the client).
  const jsonSchema = (): Record<string, unknown> =>
    (json ??= z.toJSONSchema(type, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>);
  if (!hasTransforms(type)) {
    // Plain JSON shapes: both directions are the same validation.
    const check = (value: unknown) => result(type.safeParse(value));
    return { decode: check, encode: check, fields, source: type, jsonSchema } as Schema<z.output<Z>>;
  }
  return {
    decode: (wire) => result(z.safeDecode(type, wire as z.input<Z>)),
    encode: (value) => result(z.safeEncode(type, value)),
    fields,
    source: type,
    jsonSchema,
  };
}

/**
 * Binary data: `Uint8Array` in TypeScript, a base64 string in JSON (as in
 * proto3's JSON mapping).
 */
export function bytes() {
  return z.codec(z.base64(), z.instanceof(Uint8Array), {
    decode: (s) => fromBase64(s),
    encode: (b) => toBase64(b),
  });
}

/** Describe issues in one line: `a: Invalid input: expected number, received string`. */
export function describeIssues(issues: readonly Issue[]): string {
  return issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}
