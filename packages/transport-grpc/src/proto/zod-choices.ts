/**
 * Where zod offers a choice — enums, literals, discriminated unions — and
 * what protobuf makes of it (the rules are in docs/transports/grpc.md).
 */
import type { ZodMapper } from './from-zod.js';
import { identifier, pascal, ProtoMappingError, upperSnake, type Mapped } from './mapped.js';
import { message, type EnumModel, type MessageModel } from './model.js';
import type { Plan } from './plan.js';
import { defOf, shapeOf, type ZodLike } from './zod-shape.js';

/** A `z.enum`, a union of string literals, or a literal: an enum nested in the message, or a scalar. */
export function enumOrLiteral(
  type: ZodLike,
  key: string,
  scope: string,
  into: (MessageModel | EnumModel)[],
  path: string,
): Mapped {
  const def = defOf(type);
  const values = [
    ...(def.type === 'enum'
      ? Object.values((def.entries ?? {}) as Record<string, unknown>)
      : (literalStrings(type) ?? literalValues(type))),
  ];
  if (values.length === 1 && typeof values[0] !== 'string') {
    const v = values[0];
    if (typeof v === 'number') return { type: { scalar: 'double' }, plan: undefined };
    if (typeof v === 'boolean') return { type: { scalar: 'bool' }, plan: undefined };
  }
  if (values.length === 1 && def.type === 'literal') return { type: { scalar: 'string' }, plan: undefined };
  if (!values.every((v): v is string => typeof v === 'string' && identifier.test(v))) {
    throw new ProtoMappingError(
      `${path}: enum values must be strings that are protobuf identifiers, got ${JSON.stringify(values)}`,
    );
  }
  // Zero is `<ENUM>_UNSPECIFIED` (buf's ENUM_ZERO_VALUE_SUFFIX), so an absent field is not the first value.
  const name = uniqueName(into, pascal(key));
  const zero = `${upperSnake(name)}_UNSPECIFIED`;
  values.unshift(zero);
  // Enum values share their enclosing scope in protobuf: refuse a clash rather than rename.
  const taken = new Set(into.flatMap((n) => (n.kind === 'enum' ? n.values : [])));
  const clash = values.find((v) => taken.has(v));
  if (clash !== undefined || new Set(values).size !== values.length)
    throw new ProtoMappingError(`${path}: enum value "${clash ?? zero}" is already used by another enum in the same message`);
  into.push({ kind: 'enum', name, values, ...(type.description ? { description: type.description } : {}) });
  return { type: { enum: `${scope}.${name}` }, plan: { kind: 'enum', zero } };
}

/** A discriminated union: a message with one oneof, a field per variant named by its tag. */
export function discriminatedUnion(
  mapper: ZodMapper,
  type: ZodLike,
  key: string,
  scope: string,
  into: (MessageModel | EnumModel)[],
  path: string,
): Mapped {
  const def = defOf(type);
  const discriminator = def.discriminator as string;
  const name = uniqueName(into, pascal(key));
  const fullName = `${scope}.${name}`;
  const msg = message(name, type.description);
  msg.oneofs.push(discriminator);
  into.push(msg);
  const variants = new Map<string, Plan | undefined>();
  for (const option of (def.options as unknown[]).filter((o): o is ZodLike => typeof o === 'object' && o !== null)) {
    const shape = shapeOf(defOf(option));
    const tagType = shape.find(([k]) => k === discriminator)?.[1];
    const tags = tagType === undefined ? [] : literalValues(tagType);
    const tag = tags[0];
    if (tags.length !== 1 || typeof tag !== 'string' || !identifier.test(tag)) {
      throw new ProtoMappingError(
        `${path}: each variant needs one string literal "${discriminator}" that is a protobuf identifier`,
      );
    }
    // The variant's message: its object without the discriminator (which field is set says it).
    const rest = { _zod: { def: { ...defOf(option), shape: Object.fromEntries(shape.filter(([k]) => k !== discriminator)) } } };
    const v = mapper.object(rest as ZodLike, pascal(tag), fullName, msg.nested, `${path}<${tag}>`);
    msg.fields.push({ name: tag, number: msg.fields.length + 1, jsonName: tag, type: { message: v.fullName }, oneof: 0 });
    variants.set(tag, v.plan);
  }
  return { type: { message: fullName }, plan: { kind: 'union', discriminator, variants } };
}

export function literalValues(type: ZodLike): unknown[] {
  const def = defOf(type);
  if (def.type === 'literal' && Array.isArray(def.values)) return def.values as unknown[];
  return [];
}

/** The values of a union of string literals, or undefined when it is anything else. */
export function literalStrings(type: ZodLike): string[] | undefined {
  const options = defOf(type).options;
  if (!Array.isArray(options)) return undefined;
  const values = (options as ZodLike[]).flatMap((o) => (defOf(o).type === 'literal' ? literalValues(o) : [undefined]));
  return values.every((v): v is string => typeof v === 'string') ? values : undefined;
}

export function uniqueName(into: readonly (MessageModel | EnumModel)[], name: string): string {
  const taken = new Set(into.map((n) => n.name));
  if (!taken.has(name)) return name;
  for (let i = 2; ; i++) if (!taken.has(`${name}${i}`)) return `${name}${i}`;
}
