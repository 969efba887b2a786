/**
 * `interoffice gen <protos>`: .proto files → TypeScript, ts-proto's message
 * types and Interoffice's service descriptors side by side.
 */
import { create, createFileRegistry } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { emitFile } from './emit.js';
import { compile, tsProto } from './tools.js';

/** A generated file: its path relative to the output directory, and its text. */
export interface GeneratedFile {
  readonly name: string;
  readonly content: string;
}

/** Generate TypeScript for the .proto files at `input` (a buf module directory, or one file in it). */
export async function generateFromProto(input: string): Promise<GeneratedFile[]> {
  const compiled = await compile(input);
  const registry = createFileRegistry(create(FileDescriptorSetSchema, { file: [...compiled.files] }));
  const out: GeneratedFile[] = await tsProto(compiled);
  for (const name of compiled.toGenerate) {
    const file = registry.getFile(name);
    const emitted = file && emitFile(file);
    if (emitted !== undefined) out.push(emitted);
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}
