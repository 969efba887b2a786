/**
 * `interoffice gen <protos>`: .proto files → TypeScript, ts-proto's message
 * types and Interoffice's service descriptors side by side.
 */
import { create, createFileRegistry } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { emitFile } from './emit.js';
import { compile, tsProto, TS_PROTO_GRPC_JS_OPTIONS } from './tools.js';

/** A generated file: its path relative to the output directory, and its text. */
export interface GeneratedFile {
  readonly name: string;
  readonly content: string;
}

/** Where `grpcJs` puts ts-proto's binary stubs, under the output directory. */
export const GRPC_JS_DIR = 'grpc-js';

/**
 * Generate TypeScript for the .proto files at `input` (a buf module
 * directory, or one file in it). With `grpcJs`, also ts-proto's binary stubs
 * for bare @grpc/grpc-js (encode/decode, service definitions, clients) under
 * `grpc-js/`, the same paths again: they import each other there and never
 * the JSON-only types beside them.
 */
export async function generateFromProto(input: string, options: { grpcJs?: boolean } = {}): Promise<GeneratedFile[]> {
  const compiled = await compile(input);
  const registry = createFileRegistry(create(FileDescriptorSetSchema, { file: [...compiled.files] }));
  const out: GeneratedFile[] = await tsProto(compiled);
  for (const name of compiled.toGenerate) {
    const file = registry.getFile(name);
    const emitted = file && emitFile(file);
    if (emitted !== undefined) out.push(emitted);
  }
  if (options.grpcJs === true) {
    for (const f of await tsProto(compiled, TS_PROTO_GRPC_JS_OPTIONS)) out.push({ name: `${GRPC_JS_DIR}/${f.name}`, content: f.content });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}
