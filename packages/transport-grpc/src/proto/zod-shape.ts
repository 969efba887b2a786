/**
 * Reading zod types without depending on zod at run time: the transport sees
 * them only through `Schema.source`, and reads their definitions
 * (`_zod.def`), which zod 4 documents for tool authors.
 */

/** A zod type, as far as this package looks at it. */
export interface ZodLike {
  readonly _zod: { readonly def: ZodDef };
  readonly description?: string | undefined;
}

/** A zod definition: its `type` and type-specific members. */
export interface ZodDef {
  readonly type: string;
  readonly [member: string]: unknown;
}

/** True for zod 4 types. */
export function isZod(value: unknown): value is ZodLike {
  const def = (value as { _zod?: { def?: { type?: unknown } } } | null)?._zod?.def;
  return typeof def?.type === 'string';
}

/** The definition of a zod type. */
export const defOf = (t: ZodLike): ZodDef => t._zod.def;

/** A member of a definition that is itself a zod type. */
export function child(def: ZodDef, member: string): ZodLike | undefined {
  const v = def[member];
  return isZod(v) ? v : undefined;
}

/** A type with its modifiers taken off: whether it may be absent, or null. */
export interface Unwrapped {
  readonly type: ZodLike;
  readonly optional: boolean;
  readonly nullable: boolean;
}

const passThrough = new Set(['readonly', 'catch', 'nonoptional', 'success']);

/**
 * Take off `.optional()`, `.nullable()`, `.default()`, `.readonly()`, lazy
 * wrappers, and `null`/`undefined` members of unions, so what is left is the
 * value's own shape.
 */
export function unwrap(type: ZodLike): Unwrapped {
  let t = type;
  let optional = false;
  let nullable = false;
  for (let guard = 0; guard < 64; guard++) {
    const def = defOf(t);
    const inner = child(def, 'innerType');
    if ((def.type === 'optional' || def.type === 'default' || def.type === 'prefault') && inner) {
      optional = true;
      t = inner;
    } else if (def.type === 'nullable' && inner) {
      nullable = true;
      t = inner;
    } else if (passThrough.has(def.type) && inner) {
      t = inner;
    } else if (def.type === 'lazy' && typeof def.getter === 'function') {
      const got: unknown = (def.getter as () => unknown)();
      if (!isZod(got)) break;
      t = got;
    } else if (def.type === 'union' && def.discriminator === undefined && Array.isArray(def.options)) {
      const options = (def.options as unknown[]).filter(isZod);
      const rest = options.filter((o) => !['null', 'undefined', 'void'].includes(defOf(o).type));
      if (rest.length === options.length || rest.length !== 1) break;
      if (options.some((o) => defOf(o).type === 'null')) nullable = true;
      if (options.some((o) => defOf(o).type !== 'null' && rest[0] !== o)) optional = true;
      t = rest[0] as ZodLike;
    } else {
      break;
    }
  }
  return { type: t, optional, nullable };
}

/** A check of a number or string type, by its `check` name (zod 4 keeps checks in `def.checks`). */
export function checks(def: ZodDef): ZodDef[] {
  const out: ZodDef[] = [];
  if (typeof def.check === 'string') out.push(def);
  for (const c of Array.isArray(def.checks) ? (def.checks as unknown[]) : []) {
    const d = (c as { _zod?: { def?: ZodDef } } | null)?._zod?.def;
    if (d !== undefined) out.push(d);
  }
  return out;
}

/** The object shape of a zod object type, in declaration order. */
export function shapeOf(def: ZodDef): [string, ZodLike][] {
  const shape = def.shape as Record<string, unknown> | undefined;
  return Object.entries(shape ?? {}).filter((e): e is [string, ZodLike] => isZod(e[1]));
}

/** How a zod type is named in messages: `z.date()`. */
export function zodName(t: ZodLike): string {
  return `z.${defOf(t).type}()`;
}
