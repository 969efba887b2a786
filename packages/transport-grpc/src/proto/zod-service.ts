/**
 * A zod-defined service as a .proto file: package and service from its name
 * (`conformance.Conformance`), one request and one response message per
 * method (`AddRequest`, `AddResponse`), with these rules for what is not an
 * object at the top:
 *
 * - a number, integer, string, boolean or bytes is a google.protobuf wrapper
 *   (`DoubleValue`, `Int32Value`, `Int64Value`, `StringValue`, …), whose
 *   proto3 JSON is the bare value;
 * - nothing (`z.void()`, a notification's output) is `google.protobuf.Empty`;
 * - `z.unknown()`/`z.any()` is `google.protobuf.Value` (any JSON);
 * - anything else (arrays, records, enums, optional or nullable values) is a
 *   message with one field, `value`.
 */
import type { MethodDescriptor, Schema, ServiceDescriptor } from '@interoffice/core';
import { WKT, ZodMapper } from './from-zod.js';
import { pascal, ProtoMappingError } from './mapped.js';
import type { FileModel, MethodModel } from './model.js';
import type { Plan } from './plan.js';
import { decodeFile, protoSourceOf } from './source.js';
import { defOf, isZod, unwrap, type ZodLike } from './zod-shape.js';

/** Where one input or output of a method went: a message, and how its JSON differs. */
export interface TopType {
  readonly typeName: string;
  readonly plan: Plan | undefined;
  /** True when the message stands for one value that is not an object (a wrapper, `{ value }`). */
  readonly single: boolean;
  /** For schemas generated from a .proto: the files that define the message. */
  readonly protoFiles?: readonly string[];
}

export interface MappedService {
  readonly file: FileModel;
  readonly types: ReadonlyMap<string, { readonly input: TopType; readonly output: TopType }>;
}

const wrappers = {
  double: 'DoubleValue',
  float: 'FloatValue',
  int32: 'Int32Value',
  uint32: 'UInt32Value',
  int64: 'Int64Value',
  bool: 'BoolValue',
  string: 'StringValue',
  bytes: 'BytesValue',
} as const;

/** Split `conformance.Conformance` into package and name. */
export function splitName(fullName: string): { pkg: string; name: string } {
  const dot = fullName.lastIndexOf('.');
  return dot === -1 ? { pkg: '', name: fullName } : { pkg: fullName.slice(0, dot), name: fullName.slice(dot + 1) };
}

/** The file a zod service maps to: `conformance/conformance.proto`, `calculator.proto`. */
export function protoFileName(serviceName: string): string {
  const { pkg, name } = splitName(serviceName);
  const snake = name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
  return `${pkg === '' ? '' : `${pkg.replace(/\./g, '/')}/`}${snake}.proto`;
}

/** `google.protobuf.Empty`, which is `undefined` to zod. */
function empty(file: FileModel): TopType {
  file.imports.add(WKT.empty);
  return { typeName: 'google.protobuf.Empty', plan: { kind: 'wrap', inner: undefined, absent: 'undefined' }, single: true };
}

function top(schema: Schema, name: string, mapper: ZodMapper, file: FileModel, path: string): TopType {
  const proto = protoSourceOf(schema);
  if (proto !== undefined) {
    file.imports.add(decodeFile(proto.protoFiles[0] ?? '').name);
    return { typeName: proto.protoType, plan: undefined, single: false, protoFiles: proto.protoFiles };
  }
  if (!isZod(schema.source))
    throw new ProtoMappingError(`${path}: neither a zod type nor generated from a .proto, so gRPC cannot encode it`);
  const u = unwrap(schema.source);
  const kind = defOf(u.type).type;
  const plain = !u.optional && !u.nullable;
  if (plain && kind === 'object') {
    // Each method has its own request and response messages (`AddRequest`), unless the type has an id.
    const m = mapper.object(u.type, name, undefined, file.messages, path, true);
    return { typeName: m.fullName, plan: m.plan, single: false };
  }
  if (kind === 'void' || kind === 'undefined') return empty(file);
  if (kind === 'unknown' || kind === 'any') {
    file.imports.add(WKT.struct);
    return { typeName: 'google.protobuf.Value', plan: undefined, single: true };
  }
  if (plain && ['string', 'number', 'boolean', 'pipe'].includes(kind)) {
    const m = mapper.value(u.type, 'value', '.scratch', [], path);
    if ('scalar' in m.type) {
      file.imports.add(WKT.wrappers);
      return { typeName: `google.protobuf.${wrappers[m.type.scalar]}`, plan: m.plan, single: true };
    }
  }
  // Anything else travels as the one field of a message: `{ value }`.
  const holder: ZodLike = { _zod: { def: { type: 'object', shape: { value: schema.source } } } };
  const m = mapper.object(holder, name, undefined, file.messages, path);
  const field = m.plan?.kind === 'object' ? m.plan.fields[0] : undefined;
  return {
    typeName: m.fullName,
    plan: { kind: 'wrap', inner: field?.plan, absent: u.nullable && !u.optional ? 'null' : 'undefined' },
    single: true,
  };
}

/**
 * Map `service` (or only the method `only`, for a client that needs just
 * its messages) to a file. Throws a {@link ProtoMappingError} naming the
 * first field that has no mapping.
 */
export function mapService(service: Pick<ServiceDescriptor, 'name' | 'methods'>, only?: MethodDescriptor): MappedService {
  const { pkg, name } = splitName(service.name);
  const mapper = new ZodMapper(pkg);
  const methods: MethodModel[] = [];
  const file: FileModel = {
    name: protoFileName(service.name),
    package: pkg,
    imports: mapper.imports,
    messages: mapper.topLevel,
    service: { name, methods },
  };
  const types = new Map<string, { input: TopType; output: TopType }>();
  for (const method of Object.values(service.methods) as MethodDescriptor[]) {
    if (only !== undefined && method !== only) continue;
    const base = pascal(method.name);
    const input = top(method.input, `${base}Request`, mapper, file, `${method.fullName} input`);
    const output =
      method.kind === 'notification'
        ? empty(file)
        : top(method.output, `${base}Response`, mapper, file, `${method.fullName} output`);
    types.set(method.name, { input, output });
    methods.push({
      name: method.name,
      input: input.typeName,
      output: output.typeName,
      serverStreaming: method.kind === 'serverStream',
      ...(method.description ? { description: method.description } : {}),
    });
  }
  return { file, types };
}
