/**
 * Learning a server's services through gRPC server reflection, as grpcurl
 * does: the methods of every service, with codecs for their messages. It is
 * how a channel calls a method it has no descriptor for (a raw call, the
 * CLI), from the proto3 JSON form of its params.
 */
import { fromBinary, type DescMessage, type DescMethod, type DescService } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema, type FileDescriptorProto } from '@bufbuild/protobuf/wkt';
import { Metadata, status as Status, type Client, type ClientDuplexStream } from '@grpc/grpc-js';
import { RpcError, type MethodKind } from '@interoffice/core';
import { messageCodec, type MessageCodec } from '../proto/codec.js';
import { rpcName } from '../proto/mapped.js';
import { registryOf, withImports } from '../proto/registry.js';
import { fromStatus } from '../status.js';
import { decodeResponse, encodeRequest, type ReflectionRequest, type ReflectionResponse } from './wire.js';

/** A method learnt by reflection. */
export interface ReflectedMethod {
  /** `calculator.v1.Calculator.Add` */
  readonly fullName: string;
  /** `/calculator.v1.Calculator/Add` */
  readonly path: string;
  readonly kind: MethodKind;
  readonly request: MessageCodec;
  readonly response: MessageCodec;
  readonly desc: DescMethod;
}

/** What a server told about itself. */
export interface Reflection {
  readonly services: readonly DescService[];
  readonly methods: ReadonlyMap<string, ReflectedMethod>;
}

const identity = (b: Buffer): Buffer => b;

/** One reflection stream, used as request → response pairs (answers come in order). */
class Session {
  readonly #stream: ClientDuplexStream<Buffer, Buffer>;
  readonly #waiting: { resolve(r: ReflectionResponse): void; reject(e: unknown): void }[] = [];
  #failed: unknown;

  constructor(client: Client, version: 'v1' | 'v1alpha', deadline: number) {
    this.#stream = client.makeBidiStreamRequest(
      `/grpc.reflection.${version}.ServerReflection/ServerReflectionInfo`,
      identity,
      identity,
      new Metadata(),
      {
        deadline,
      },
    );
    this.#stream.on('data', (bytes: Buffer) => this.#waiting.shift()?.resolve(decodeResponse(bytes)));
    this.#stream.on('error', () => {}); // the status says it all
    this.#stream.on('status', (s) => {
      if (s.code === Status.OK) return;
      this.#failed = fromStatus(s, undefined, undefined);
      for (const w of this.#waiting.splice(0)) w.reject(this.#failed);
    });
  }

  ask(request: ReflectionRequest): Promise<ReflectionResponse> {
    if (this.#failed !== undefined) return Promise.reject(this.#failed);
    return new Promise((resolve, reject) => {
      this.#waiting.push({ resolve, reject });
      this.#stream.write(encodeRequest(request));
    });
  }

  end(): void {
    this.#stream.end();
  }
}

async function ask(session: Session, request: ReflectionRequest): Promise<ReflectionResponse> {
  const r = await session.ask(request);
  if (r.error !== undefined)
    throw fromStatus({ code: r.error.code, details: r.error.message, metadata: new Metadata() }, undefined, undefined);
  return r;
}

function kindOf(m: DescMethod): MethodKind {
  switch (m.methodKind) {
    case 'server_streaming':
      return 'serverStream';
    case 'client_streaming':
      return 'clientStream';
    case 'bidi_streaming':
      return 'bidiStream';
    default:
      return 'unary';
  }
}

/**
 * Ask the server behind `client` for its services and their files. Rejects
 * with UNIMPLEMENTED when the server offers no reflection.
 */
export async function reflect(client: Client, deadline = Date.now() + 10_000): Promise<Reflection> {
  let session = new Session(client, 'v1', deadline);
  let names: string[];
  try {
    names = (await ask(session, { listServices: '*' })).services ?? [];
  } catch (e) {
    if (!(e instanceof RpcError) || e.code !== 'UNIMPLEMENTED') throw e;
    session = new Session(client, 'v1alpha', deadline);
    try {
      names = (await ask(session, { listServices: '*' })).services ?? [];
    } catch (e2) {
      if (e2 instanceof RpcError && e2.code === 'UNIMPLEMENTED') {
        throw new RpcError(
          'UNIMPLEMENTED',
          'the server offers no gRPC reflection, so its methods can be called only through a typed client',
        );
      }
      throw e2;
    }
  }
  const files = new Map<string, FileDescriptorProto>();
  const add = (r: ReflectionResponse): void => {
    for (const bytes of r.files ?? []) {
      const f = fromBinary(FileDescriptorProtoSchema, bytes);
      if (!files.has(f.name)) files.set(f.name, f);
    }
  };
  const wanted: string[] = [];
  for (const listed of names) {
    // Servers built on @grpc/reflection name the services of files without a package with a leading dot.
    const name = listed.replace(/^\./, '');
    if (name.startsWith('grpc.reflection.')) continue;
    try {
      add(await ask(session, { fileContainingSymbol: listed }));
      wanted.push(name);
    } catch {
      // a service the server lists but will not describe stays unknown
    }
  }
  // Servers differ in whether they send a file's imports along: fetch what is missing.
  const unavailable = new Set<string>();
  for (let missing = missingImports(files, unavailable); missing.length > 0; missing = missingImports(files, unavailable)) {
    for (const name of missing) {
      try {
        add(await ask(session, { fileByFilename: name }));
      } catch {
        unavailable.add(name); // that service's methods are left out below
      }
      if (!files.has(name)) unavailable.add(name);
    }
  }
  session.end();
  return index(wanted, [...files.values()]);
}

function missingImports(files: ReadonlyMap<string, FileDescriptorProto>, unavailable: ReadonlySet<string>): string[] {
  const known = new Set(withImports([...files.values()]).map((f) => f.name));
  return [...new Set([...files.values()].flatMap((f) => f.dependency))].filter((d) => !known.has(d) && !unavailable.has(d));
}

function index(serviceNames: readonly string[], files: FileDescriptorProto[]): Reflection {
  const services: DescService[] = [];
  const methods = new Map<string, ReflectedMethod>();
  for (const name of serviceNames) {
    const own = files.find((f) => f.service.some((s) => (f.package ? `${f.package}.${s.name}` : s.name) === name));
    if (own === undefined) continue;
    // One registry per service: two services' files may reuse a name.
    let service: DescService | undefined;
    try {
      service = registryOf([own, ...files.filter((f) => f !== own && reachable(own, f, files))]).getService(name);
    } catch {
      continue; // an import the server would not send: its methods stay unknown
    }
    if (service === undefined) continue;
    services.push(service);
    for (const m of service.methods) {
      const fullName = `${service.typeName}.${m.name}`;
      methods.set(fullName, {
        fullName,
        path: `/${service.typeName}/${m.name}`,
        kind: kindOf(m),
        request: codecOf(m, m.input, 'Request'),
        response: codecOf(m, m.output, 'Response'),
        desc: m,
      });
    }
  }
  return { services, methods };
}

const wrapped = { kind: 'wrap', inner: undefined, absent: 'undefined' } as const;

/**
 * The codec of a method's message. A zod service carries a value that is
 * not an object (`z.number()`, `z.void()`) as the RPC's own message holding
 * one field, `value`: a caller by name gives and gets the bare
 * value, as on the JSON transports. Recognised by shape and name
 * (`AddResponse { double value = 1; }` for `Add`), as the mapping makes them.
 */
function codecOf(m: DescMethod, desc: DescMessage, suffix: 'Request' | 'Response'): MessageCodec {
  const f = desc.fields[0];
  const holder =
    desc.name === `${m.name}${suffix}` &&
    desc.oneofs.length <= 1 &&
    desc.fields.length === 1 &&
    f?.name === 'value' &&
    f.number === 1;
  return holder ? messageCodec(desc, wrapped, true) : messageCodec(desc, undefined);
}

function reachable(from: FileDescriptorProto, to: FileDescriptorProto, files: readonly FileDescriptorProto[]): boolean {
  const seen = new Set<string>();
  const walk = (f: FileDescriptorProto): boolean => {
    if (f.name === to.name) return true;
    if (seen.has(f.name)) return false;
    seen.add(f.name);
    return f.dependency.some((d) => {
      const next = files.find((x) => x.name === d);
      return next !== undefined && walk(next);
    });
  };
  return walk(from);
}

/**
 * The method a wire name means: the qualified name (`pkg.Service.Method`),
 * or a short name that exactly one service has (gRPC's own services aside).
 * The method's own part may also be the zod name of a zod service's RPC
 * (`add`, `list_orders` for `Add`, `ListOrders`), as on the JSON transports.
 */
export function resolveMethod(reflection: Reflection, name: string): ReflectedMethod | RpcError {
  const exact = reflection.methods.get(name);
  if (exact !== undefined) return exact;
  const dot = name.lastIndexOf('.');
  const asRpc = `${name.slice(0, dot + 1)}${rpcName(name.slice(dot + 1))}`;
  const pick = (wanted: string): ReflectedMethod[] =>
    // Any last dot-separated parts of the qualified name, as on the JSON transports (protocol.md).
    [...reflection.methods.values()].filter(
      (m) => (m.fullName === wanted || m.fullName.endsWith(`.${wanted}`)) && !m.fullName.startsWith('grpc.'),
    );
  let candidates = pick(name);
  if (candidates.length === 0 && asRpc !== name) candidates = pick(asRpc);
  // A whole qualified name wins over services whose names merely end the same way.
  const whole = candidates.filter((m) => m.fullName === name || m.fullName === asRpc);
  if (whole.length === 1) candidates = whole;
  if (candidates.length === 1) return candidates[0] as ReflectedMethod;
  if (candidates.length > 1) {
    return new RpcError(
      'UNIMPLEMENTED',
      `method ${name} is ambiguous: use one of ${candidates.map((c) => c.fullName).join(', ')}`,
    );
  }
  return new RpcError('UNIMPLEMENTED', `method not found: ${name}`);
}
