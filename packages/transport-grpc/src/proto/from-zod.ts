/**
 * The protobuf mapping of zod types (docs/transports/grpc.md states the
 * rules): one message per object, a field per key in declaration order, and
 * a JSON name equal to the key, so a message's proto3 JSON is the zod wire
 * JSON. What differs (int64 strings, nulls, unions, wrapped top-level
 * values) is recorded in a {@link Plan}.
 */
import { message, type EnumModel, type FieldModel, type MessageModel, type ScalarName } from './model.js';
import { identifier, pascal, ProtoMappingError, snake, type Mapped } from './mapped.js';
import type { Absent, FieldPlan, Plan } from './plan.js';
import { discriminatedUnion, enumOrLiteral, literalStrings, uniqueName } from './zod-choices.js';
import { checks, child, defOf, shapeOf, unwrap, zodName, type ZodDef, type ZodLike } from './zod-shape.js';

/** Well-known types the mapping uses, by file. */
export const WKT = {
  wrappers: 'google/protobuf/wrappers.proto',
  empty: 'google/protobuf/empty.proto',
  struct: 'google/protobuf/struct.proto',
} as const;

const INT32 = 2 ** 31;

function numberScalar(def: ZodDef): ScalarName {
  let format: unknown;
  let lo = -Infinity;
  let hi = Infinity;
  for (const c of checks(def)) {
    if (c.check === 'number_format') format = c.format;
    if (c.check === 'greater_than' && typeof c.value === 'number') lo = Math.max(lo, c.value);
    if (c.check === 'less_than' && typeof c.value === 'number') hi = Math.min(hi, c.value);
  }
  switch (format) {
    case 'int32':
      return 'int32';
    case 'uint32':
      return 'uint32';
    case 'float32':
      return 'float';
    case 'safeint':
      if (lo >= -INT32 && hi < INT32) return 'int32';
      if (lo >= 0 && hi < 2 * INT32) return 'uint32';
      return 'int64';
    default:
      return 'double';
  }
}

/**
 * Maps the zod types of one file's messages. Nested objects become nested
 * messages named after their field; an object met twice (the same zod
 * instance) is one message, which also lets recursive types through.
 */
export class ZodMapper {
  readonly imports = new Set<string>();
  /** The file's top-level messages, where registered (`id`) types go. */
  readonly topLevel: MessageModel[] = [];
  readonly #seen = new Map<ZodLike, { fullName: string; plan: Plan | undefined }>();

  constructor(readonly pkg: string) {}

  #qualify(scope: string | undefined, name: string): string {
    if (scope !== undefined) return `${scope}.${name}`;
    return this.pkg === '' ? name : `${this.pkg}.${name}`;
  }

  /**
   * Map an object type to a message named `name` inside `scope` (a message's
   * full name; `undefined` for the file's top level), adding it to `into`.
   */
  object(
    type: ZodLike,
    name: string,
    scope: string | undefined,
    into: (MessageModel | EnumModel)[],
    path: string,
    fresh = false,
  ): { fullName: string; plan: Plan | undefined } {
    const id = registryId(type);
    const known = this.#seen.get(type);
    if (known !== undefined && (!fresh || id !== undefined)) return known;
    // A type registered with an id (`.meta({ id: 'Operands' })`) is one message of that name, wherever it is used.
    const fullName = id !== undefined ? this.#qualify(undefined, id) : this.#qualify(scope, uniqueName(into, name));
    if (id !== undefined) into = this.topLevel;
    const msg = message(fullName.slice(fullName.lastIndexOf('.') + 1), type.description);
    into.push(msg);
    const entry: { fullName: string; plan: Plan | undefined } = { fullName, plan: undefined };
    this.#seen.set(type, entry);
    const fields: FieldPlan[] = [];
    for (const [key, fieldType] of shapeOf(defOf(type))) {
      const fieldPath = `${path}.${key}`;
      if (!identifier.test(key)) throw new ProtoMappingError(`${fieldPath}: "${key}" is not a valid protobuf field name`);
      const u = unwrap(fieldType);
      const m = this.value(u.type, key, fullName, msg.nested, fieldPath);
      const presence = (u.optional || u.nullable) && !m.repeated && m.mapKey === undefined && !('message' in m.type);
      // Field names are lower_snake_case as protobuf style wants; the JSON name stays the zod key.
      const name = snake(key);
      if (msg.fields.some((f) => f.name === name))
        throw new ProtoMappingError(`${fieldPath}: "${key}" and another key are both the protobuf field ${name}`);
      let oneof: number | undefined;
      if (presence) {
        // Explicit presence as a oneof of one field: what proto3 `optional` compiles to, which
        // protoc before 3.15 (Debian's grpc_tools) accepts; buf lint wants its name lower_snake_case.
        msg.oneofs.push(`optional_${name}`);
        oneof = msg.oneofs.length - 1;
      }
      const field: FieldModel = {
        name,
        number: msg.fields.length + 1,
        jsonName: key,
        type: m.type,
        ...(m.repeated ? { label: 'repeated' as const } : {}),
        ...(oneof === undefined ? {} : { oneof }),
        ...(m.mapKey === undefined ? {} : { mapKey: m.mapKey }),
        ...(fieldType.description ? { description: fieldType.description } : {}),
      };
      msg.fields.push(field);
      const absent: Absent = u.nullable && !u.optional ? 'null' : 'undefined';
      if (m.plan !== undefined || absent === 'null') fields.push({ key, plan: m.plan, absent });
    }
    const clash = msg.oneofs.find((o) => msg.fields.some((f) => f.name === o));
    if (clash !== undefined)
      throw new ProtoMappingError(`${path}: the field ${clash} has the name of the oneof that makes another field optional`);
    entry.plan = fields.length > 0 ? { kind: 'object', fields } : undefined;
    return entry;
  }

  /** The type of a value in a field (or array element, or map value). */
  value(type: ZodLike, key: string, scope: string, into: (MessageModel | EnumModel)[], path: string): Mapped {
    const def = defOf(type);
    switch (def.type) {
      case 'string':
        return { type: { scalar: def.format === 'base64' ? 'bytes' : 'string' }, plan: undefined };
      case 'number': {
        const scalar = numberScalar(def);
        return { type: { scalar }, plan: scalar === 'int64' ? { kind: 'int64' } : undefined };
      }
      case 'boolean':
        return { type: { scalar: 'bool' }, plan: undefined };
      case 'pipe': {
        // A codec's wire form is its input side: bytes() is a base64 string on the wire.
        const wire = child(def, 'in');
        if (wire === undefined) break;
        return this.value(unwrap(wire).type, key, scope, into, path);
      }
      case 'literal':
      case 'enum':
        return enumOrLiteral(type, key, scope, into, path);
      case 'union':
        if (typeof def.discriminator === 'string') return discriminatedUnion(this, type, key, scope, into, path);
        if (literalStrings(type) !== undefined) return enumOrLiteral(type, key, scope, into, path);
        throw new ProtoMappingError(
          `${path}: a union has no protobuf mapping unless it is discriminated (z.discriminatedUnion), of string literals (an enum), or with null (optional)`,
        );
      case 'object': {
        const o = this.object(type, pascal(key), scope, into, path);
        return { type: { message: o.fullName }, plan: o.plan };
      }
      case 'array': {
        const element = child(def, 'element');
        if (element === undefined) break;
        const u = unwrap(element);
        if (u.optional || u.nullable)
          throw new ProtoMappingError(`${path}[]: array elements cannot be optional or null in protobuf`);
        const m = this.value(u.type, key, scope, into, `${path}[]`);
        if (m.repeated || m.mapKey !== undefined) {
          throw new ProtoMappingError(
            `${path}[]: arrays of arrays or records have no protobuf mapping; wrap the inner one in an object`,
          );
        }
        return { type: m.type, plan: m.plan && { kind: 'array', element: m.plan }, repeated: true };
      }
      case 'record': {
        const value = child(def, 'valueType');
        const keyType = child(def, 'keyType');
        if (value === undefined || keyType === undefined) break;
        const k = unwrap(keyType).type;
        if (!['string', 'enum', 'literal'].includes(defOf(k).type))
          throw new ProtoMappingError(`${path}: record keys must be strings`);
        const u = unwrap(value);
        if (u.optional || u.nullable)
          throw new ProtoMappingError(`${path}{}: record values cannot be optional or null in protobuf`);
        const m = this.value(u.type, `${key}Value`, scope, into, `${path}{}`);
        if (m.repeated || m.mapKey !== undefined) {
          throw new ProtoMappingError(
            `${path}{}: records of arrays or records have no protobuf mapping; wrap the inner one in an object`,
          );
        }
        return { type: m.type, plan: m.plan && { kind: 'map', value: m.plan }, mapKey: 'string' };
      }
      case 'any':
      case 'unknown':
        this.imports.add(WKT.struct);
        return { type: { message: 'google.protobuf.Value' }, plan: undefined };
    }
    throw new ProtoMappingError(`${path}: ${zodName(type)} has no protobuf mapping${hint(def.type)}`);
  }
}

/** The id a type was registered with in zod's global registry (`.meta({ id })`), if any. */
function registryId(type: ZodLike): string | undefined {
  const meta = (type as { meta?: () => unknown }).meta;
  const id = typeof meta === 'function' ? (meta.call(type) as { id?: unknown } | undefined)?.id : undefined;
  if (id === undefined) return undefined;
  if (typeof id !== 'string' || !identifier.test(id))
    throw new ProtoMappingError(`zod id ${JSON.stringify(id)} is not a valid protobuf message name`);
  return id;
}

function hint(type: string): string {
  switch (type) {
    case 'date':
      return ' (dates are not JSON: use z.iso.datetime(), a string)';
    case 'bigint':
      return ' (bigints are not JSON: use z.int())';
    case 'tuple':
      return ' (use an object with named fields)';
    case 'intersection':
      return ' (merge the objects with .extend())';
    default:
      return '';
  }
}
