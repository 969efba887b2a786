/**
 * gRPC server reflection (grpc.reflection.v1 and v1alpha), so grpcurl,
 * Postman and `interoffice list` can see and call every service. It serves
 * the files each service was defined by, byte for byte, and names services
 * without a package as they are (`Calculator`, not `.Calculator`).
 */
import type { DescriptorProto, FileDescriptorProto } from '@bufbuild/protobuf/wkt';
import { status as Status, type Server, type ServerDuplexStream } from '@grpc/grpc-js';
import { encodeFile } from '../proto/source.js';
import { decodeRequest, encodeResponse, type ReflectionResponse } from './wire.js';

/** Every name a file declares (messages, enums, services, methods), qualified. */
function symbols(file: FileDescriptorProto): string[] {
  const prefix = file.package ? `${file.package}.` : '';
  const out: string[] = [];
  const message = (m: DescriptorProto, scope: string): void => {
    const name = `${scope}${m.name}`;
    out.push(name, ...m.enumType.map((e) => `${name}.${e.name}`));
    for (const n of m.nestedType) message(n, `${name}.`);
  };
  for (const m of file.messageType) message(m, prefix);
  out.push(...file.enumType.map((e) => `${prefix}${e.name}`));
  for (const s of file.service) out.push(`${prefix}${s.name}`, ...s.method.map((m) => `${prefix}${s.name}.${m.name}`));
  return out;
}

/** What a reflection request asks of `files`. */
function answer(files: readonly FileDescriptorProto[]): (request: ReturnType<typeof decodeRequest>) => ReflectionResponse {
  const byName = new Map(files.map((f) => [f.name, f]));
  const bySymbol = new Map(files.flatMap((f) => symbols(f).map((s) => [s, f] as const)));
  const encoded = new Map(files.map((f) => [f, encodeFile(f)]));
  const services = files.flatMap((f) => f.service.map((s) => (f.package ? `${f.package}.${s.name}` : s.name)));
  // A file and, after it, every file it imports (transitively) that the server has.
  const withImports = (f: FileDescriptorProto): Uint8Array[] => {
    const seen = new Set<FileDescriptorProto>();
    const visit = (x: FileDescriptorProto): void => {
      if (seen.has(x)) return;
      seen.add(x);
      for (const d of x.dependency) {
        const dep = byName.get(d);
        if (dep !== undefined) visit(dep);
      }
    };
    visit(f);
    return [...seen].map((x) => encoded.get(x) as Uint8Array);
  };
  const notFound = (message: string): ReflectionResponse => ({ error: { code: Status.NOT_FOUND, message } });
  return (request) => {
    if (request === undefined)
      return {
        error: {
          code: Status.UNIMPLEMENTED,
          message: 'only list_services, file_by_filename and file_containing_symbol are answered',
        },
      };
    if ('listServices' in request) return { services };
    if ('fileByFilename' in request) {
      const f = byName.get(request.fileByFilename);
      return f ? { files: withImports(f) } : notFound(`file not found: ${request.fileByFilename}`);
    }
    const f = bySymbol.get(request.fileContainingSymbol.replace(/^\./, ''));
    return f ? { files: withImports(f) } : notFound(`symbol not found: ${request.fileContainingSymbol}`);
  };
}

/** Add reflection over `files` (each service's file and everything it imports) to `server`. */
export function addReflection(server: Server, files: readonly FileDescriptorProto[]): void {
  const respond = answer([...new Map(files.map((f) => [f.name, f])).values()]);
  const id = (b: Buffer): Buffer => b;
  for (const version of ['v1', 'v1alpha']) {
    server.register<Buffer, Buffer>(
      `/grpc.reflection.${version}.ServerReflection/ServerReflectionInfo`,
      (call: ServerDuplexStream<Buffer, Buffer>) => {
        call.on('data', (bytes: Buffer) => {
          let response: ReflectionResponse;
          try {
            response = respond(decodeRequest(bytes));
          } catch {
            response = { error: { code: Status.INVALID_ARGUMENT, message: 'malformed reflection request' } };
          }
          call.write(encodeResponse(bytes, response));
        });
        call.on('end', () => call.end());
        call.on('error', () => {});
      },
      id,
      id,
      'bidi',
    );
  }
}
