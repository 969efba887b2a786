/**
 * A zod-defined service as a .proto file that passes buf lint (STANDARD less
 * the rules that would rename what JSON carries): package and service from
 * its name (`shop.v1.Shop`), RPCs in PascalCase (`listOrders` → `ListOrders`),
 * and one request and one response message per RPC (`ListOrdersRequest`,
 * `ListOrdersResponse`). What is not an object at the top — a number,
 * string, array, enum, `z.unknown()`, an optional or nullable value — is the
 * one field `value` of that message; nothing (`z.void()`, a notification's
 * output) is the message with no fields.
 */
import type { MethodDescriptor, Schema, ServiceDescriptor } from '@interoffice/core';
import { ZodMapper } from './from-zod.js';
import { ProtoMappingError, rpcName } from './mapped.js';
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
  /** By zod method name: the RPC's name and its messages. */
  readonly types: ReadonlyMap<string, { readonly rpc: string; readonly input: TopType; readonly output: TopType }>;
}

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

/** A message of no fields, which is `undefined` to zod. */
function nothing(name: string, mapper: ZodMapper, file: FileModel, path: string): TopType {
  const none: ZodLike = { _zod: { def: { type: 'object', shape: {} } } };
  const m = mapper.object(none, name, undefined, file.messages, path);
  return { typeName: m.fullName, plan: { kind: 'wrap', inner: undefined, absent: 'undefined' }, single: true };
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
  if (!u.optional && !u.nullable && kind === 'object') {
    // Each method has its own request and response messages (`AddRequest`), unless the type has an id.
    const m = mapper.object(u.type, name, undefined, file.messages, path, true);
    return { typeName: m.fullName, plan: m.plan, single: false };
  }
  if (kind === 'void' || kind === 'undefined') return nothing(name, mapper, file, path);
  // Anything else travels as the one field of the RPC's own message, `{ value }`: a one-field
  // message is what google.protobuf's wrappers are, so `{ double value = 1; }` is DoubleValue on the wire.
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
  const types = new Map<string, { rpc: string; input: TopType; output: TopType }>();
  for (const method of Object.values(service.methods) as MethodDescriptor[]) {
    if (only !== undefined && method !== only) continue;
    const rpc = rpcName(method.name);
    if (methods.some((m) => m.name === rpc))
      throw new ProtoMappingError(`${method.fullName}: another method is also the RPC ${rpc}`);
    const input = top(method.input, `${rpc}Request`, mapper, file, `${method.fullName} input`);
    const output =
      method.kind === 'notification'
        ? nothing(`${rpc}Response`, mapper, file, `${method.fullName} output`)
        : top(method.output, `${rpc}Response`, mapper, file, `${method.fullName} output`);
    types.set(method.name, { rpc, input, output });
    methods.push({
      name: rpc,
      input: input.typeName,
      output: output.typeName,
      serverStreaming: method.kind === 'serverStream' || method.kind === 'bidiStream',
      clientStreaming: method.kind === 'clientStream' || method.kind === 'bidiStream',
      ...(method.description ? { description: method.description } : {}),
    });
  }
  return { file, types };
}
