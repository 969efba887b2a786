/** Registries of protobuf files, with the well-known files they import. */
import { create, createFileRegistry, type FileRegistry } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema, type FileDescriptorProto } from '@bufbuild/protobuf/wkt';
import { wellKnownFiles } from './source.js';

/**
 * `files` and everything they import (from `files` themselves, else the
 * well-known files), each after the files it imports.
 */
export function withImports(files: readonly FileDescriptorProto[]): FileDescriptorProto[] {
  const byName = new Map(files.map((f) => [f.name, f]));
  const out: FileDescriptorProto[] = [];
  const done = new Set<string>();
  const visit = (f: FileDescriptorProto): void => {
    if (done.has(f.name)) return;
    done.add(f.name);
    for (const dep of f.dependency) {
      const d = byName.get(dep) ?? wellKnownFiles.get(dep);
      if (d !== undefined) visit(d);
    }
    out.push(f);
  };
  files.forEach(visit);
  return out;
}

/** A registry of `files` and their imports. Throws when an import is missing or a name is defined twice. */
export function registryOf(files: readonly FileDescriptorProto[]): FileRegistry {
  return createFileRegistry(create(FileDescriptorSetSchema, { file: withImports(files) }));
}
