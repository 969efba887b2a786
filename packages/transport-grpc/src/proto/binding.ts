/**
 * A service (or one method) bound to protobuf: the gRPC path of each method,
 * the codecs of its messages, and the files that describe it for reflection.
 * Services generated from a .proto use their own files; zod services are
 * mapped (zod-service.ts).
 */
import type { FileRegistry } from '@bufbuild/protobuf';
import type { FileDescriptorProto } from '@bufbuild/protobuf/wkt';
import type { MethodDescriptor, MethodKind, ServiceDescriptor } from '@interoffice/core';
import { messageCodec, type MessageCodec } from './codec.js';
import { toFileDescriptor } from './model.js';
import { registryOf, withImports } from './registry.js';
import { decodeFile, protoSourceOf } from './source.js';
import { mapService, type TopType } from './zod-service.js';

/** One method as gRPC carries it. */
export interface MethodBinding {
  /** `/conformance.Conformance/Add` (a zod service's RPCs are PascalCase) */
  readonly path: string;
  readonly kind: MethodKind;
  readonly request: MessageCodec;
  readonly response: MessageCodec;
}

/** A service as gRPC carries it. */
export interface ServiceBinding {
  readonly name: string;
  /** By short name. */
  readonly methods: ReadonlyMap<string, MethodBinding>;
  /** The file declaring the service, then the files it imports: what reflection serves. */
  readonly files: readonly FileDescriptorProto[];
}

function filesOf(protoFiles: Iterable<readonly string[]>): FileDescriptorProto[] {
  const out = new Map<string, FileDescriptorProto>();
  for (const list of protoFiles) for (const b64 of list) out.set(b64, decodeFile(b64));
  return [...new Map([...out.values()].map((f) => [f.name, f])).values()];
}

function codec(registry: FileRegistry, t: TopType): MessageCodec {
  const desc = registry.getMessage(t.typeName);
  if (desc === undefined) throw new TypeError(`message ${t.typeName} is missing from its descriptors`);
  return messageCodec(desc, t.plan, t.single);
}

/** The file among the schemas' own that declares `service` with exactly its methods (a generated service). */
function declaringFile(service: ServiceDescriptor, methods: MethodDescriptor[]): FileDescriptorProto[] | undefined {
  const sources = methods.flatMap((m) => [protoSourceOf(m.input), protoSourceOf(m.output)]);
  if (methods.length === 0 || sources.some((s) => s === undefined)) return undefined;
  const files = filesOf(sources.map((s) => s?.protoFiles ?? []));
  const names = methods
    .map((m) => m.name)
    .sort()
    .join();
  const own = files.find((f) =>
    f.service.some(
      (s) =>
        `${f.package ? `${f.package}.` : ''}${s.name}` === service.name &&
        s.method
          .map((m) => m.name)
          .sort()
          .join() === names,
    ),
  );
  return own && [own, ...files.filter((f) => f !== own)];
}

const fromSource = (s: MethodDescriptor['input']): TopType => ({
  typeName: protoSourceOf(s)?.protoType ?? '',
  plan: undefined,
  single: false,
});

function bind(service: ServiceDescriptor, methods: MethodDescriptor[], forClient = false): ServiceBinding {
  const sources = methods.flatMap((m) => [protoSourceOf(m.input), protoSourceOf(m.output)]);
  const generated = declaringFile(service, methods);
  let files: FileDescriptorProto[];
  let types: (m: MethodDescriptor) => { rpc: string; input: TopType; output: TopType };
  if (generated !== undefined || (forClient && sources.every((s) => s !== undefined))) {
    // Messages from a .proto: their own files say everything (a client needs no service file).
    files = generated ?? filesOf(sources.map((s) => s?.protoFiles ?? []));
    types = (m) => ({ rpc: m.name, input: fromSource(m.input), output: fromSource(m.output) });
  } else {
    const mapped = mapService({ name: service.name, methods: Object.fromEntries(methods.map((m) => [m.name, m])) });
    const own = toFileDescriptor(mapped.file);
    const imported = filesOf([...mapped.types.values()].flatMap((t) => [t.input.protoFiles ?? [], t.output.protoFiles ?? []]));
    // A service made by hand from generated messages may map to the very name of their file.
    if (imported.some((f) => f.name === own.name)) own.name = own.name.replace(/\.proto$/, '_service.proto');
    files = [own, ...imported];
    types = (m) => mapped.types.get(m.name) as { rpc: string; input: TopType; output: TopType };
  }
  const registry = registryOf(files);
  const out = new Map<string, MethodBinding>();
  for (const m of methods) {
    const t = types(m);
    out.set(m.name, {
      path: `/${service.name}/${t.rpc}`,
      kind: m.kind,
      request: codec(registry, t.input),
      response: codec(registry, t.output),
    });
  }
  const all = withImports(files);
  return { name: service.name, methods: out, files: [files[0] as FileDescriptorProto, ...all.filter((f) => f !== files[0])] };
}

const services = new WeakMap<ServiceDescriptor, ServiceBinding>();

/** Bind every method of `service`; throws a ProtoMappingError when a zod type has no mapping. */
export function bindService(service: ServiceDescriptor): ServiceBinding {
  let b = services.get(service);
  if (b === undefined) {
    b = bind(service, Object.values(service.methods) as MethodDescriptor[]);
    services.set(service, b);
  }
  return b;
}

const methods = new WeakMap<MethodDescriptor, MethodBinding>();

/** Bind one method, for a client that has only its descriptor. */
export function bindMethod(method: MethodDescriptor): MethodBinding {
  let b = methods.get(method);
  if (b === undefined) {
    const service = { name: method.service, methods: { [method.name]: method }, errors: new Map() };
    b = bind(service, [method], true).methods.get(method.name) as MethodBinding;
    methods.set(method, b);
  }
  return b;
}
