/**
 * Where a zod value's wire JSON and the proto3 JSON of the message it maps to
 * differ, and the two functions that cross between them. Most shapes are the
 * same both ways (the mapping is chosen so), and have no plan at all.
 */

/** The work one value needs; `undefined` wherever the two JSON forms are the same. */
export type Plan =
  /** int64 fields: proto3 JSON writes them as strings, zod wants numbers. */
  | { readonly kind: 'int64' }
  /** An enum: its zero value (`<ENUM>_UNSPECIFIED`) is no zod value, so it reads as absent. */
  | { readonly kind: 'enum'; readonly zero: string }
  | { readonly kind: 'object'; readonly fields: readonly FieldPlan[] }
  | { readonly kind: 'array'; readonly element: Plan }
  | { readonly kind: 'map'; readonly value: Plan }
  /**
   * A discriminated union as a message with one oneof: `{"type": "circle", "r": 1}`
   * in zod is `{"circle": {"r": 1}}` in proto3 JSON.
   */
  | { readonly kind: 'union'; readonly discriminator: string; readonly variants: ReadonlyMap<string, Plan | undefined> }
  /** A top-level value that is not an object, carried as `{ value }`. */
  | { readonly kind: 'wrap'; readonly inner: Plan | undefined; readonly absent: Absent };

/** What an absent field means to zod: leave it out, or `null` (for `.nullable()`). */
export type Absent = 'undefined' | 'null';

export interface FieldPlan {
  /** The zod key, which is also the field's JSON name. */
  readonly key: string;
  readonly plan: Plan | undefined;
  readonly absent: Absent;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** zod wire JSON → proto3 JSON. Values of the wrong shape pass through for the encoder to refuse. */
export function toProtoJson(plan: Plan | undefined, value: unknown): unknown {
  if (plan === undefined) return value;
  switch (plan.kind) {
    case 'int64':
    case 'enum':
      return value;
    case 'wrap':
      return value === undefined || value === null ? {} : { value: toProtoJson(plan.inner, value) };
    case 'array':
      return Array.isArray(value) ? value.map((v) => toProtoJson(plan.element, v)) : value;
    case 'map':
      return isObject(value) ? mapValues(value, (v) => toProtoJson(plan.value, v)) : value;
    case 'object': {
      if (!isObject(value)) return value;
      const out: Json = { ...value };
      for (const f of plan.fields) {
        const v = out[f.key];
        if (v === null) delete out[f.key];
        else if (v !== undefined) out[f.key] = toProtoJson(f.plan, v);
      }
      return out;
    }
    case 'union': {
      if (!isObject(value)) return value;
      const { [plan.discriminator]: tag, ...rest } = value;
      if (typeof tag !== 'string' || !plan.variants.has(tag)) return value;
      return { [tag]: toProtoJson(plan.variants.get(tag), rest) };
    }
  }
}

/** proto3 JSON (as written with implicit fields) → zod wire JSON. */
export function fromProtoJson(plan: Plan | undefined, value: unknown): unknown {
  if (plan === undefined) return value;
  switch (plan.kind) {
    case 'int64':
      return typeof value === 'string' ? Number(value) : value;
    case 'enum':
      return value === plan.zero || value === 0 ? undefined : value;
    case 'wrap': {
      const inner = isObject(value) ? value.value : undefined;
      if (inner === undefined) return plan.absent === 'null' ? null : undefined;
      return fromProtoJson(plan.inner, inner);
    }
    case 'array':
      return Array.isArray(value) ? value.map((v) => fromProtoJson(plan.element, v)) : value;
    case 'map':
      return isObject(value) ? mapValues(value, (v) => fromProtoJson(plan.value, v)) : value;
    case 'object': {
      if (!isObject(value)) return value;
      for (const f of plan.fields) {
        const v = value[f.key];
        const got = v === undefined ? undefined : fromProtoJson(f.plan, v);
        if (got !== undefined) value[f.key] = got;
        else if (f.absent === 'null') value[f.key] = null;
        else delete value[f.key];
      }
      return value;
    }
    case 'union': {
      if (!isObject(value)) return value;
      for (const [tag, variant] of plan.variants) {
        const v = value[tag];
        if (v !== undefined) return { [plan.discriminator]: tag, ...(fromProtoJson(variant, v) as Json) };
      }
      return value;
    }
  }
}

function mapValues(value: Json, f: (v: unknown) => unknown): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(value)) out[k] = f(v);
  return out;
}
