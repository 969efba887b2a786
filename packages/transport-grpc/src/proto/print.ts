/**
 * A zod service's mapping as .proto text, for other languages' code
 * generators: the same model the transport serves, so the two agree.
 */
import type { ServiceDescriptor } from '@interoffice/core';
import type { EnumModel, FieldModel, FileModel, MessageModel } from './model.js';
import { mapService } from './zod-service.js';

function comment(text: string | undefined, indent: string): string[] {
  return text ? text.split('\n').map((l) => `${indent}// ${l}`.trimEnd()) : [];
}

/** A type name as written in the file: relative to the package when it is in it. */
function typeRef(name: string, pkg: string): string {
  return pkg !== '' && name.startsWith(`${pkg}.`) ? name.slice(pkg.length + 1) : name;
}

function fieldLine(f: FieldModel, pkg: string): string {
  const type = 'scalar' in f.type ? f.type.scalar : typeRef('message' in f.type ? f.type.message : f.type.enum, pkg);
  const declared = f.mapKey !== undefined ? `map<${f.mapKey}, ${type}>` : f.label ? `${f.label} ${type}` : type;
  const lowerCamel = f.name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  const json = f.jsonName !== lowerCamel ? ` [json_name = ${JSON.stringify(f.jsonName)}]` : '';
  return `${declared} ${f.name} = ${f.number}${json};`;
}

function enumLines(e: EnumModel, indent: string): string[] {
  return [
    ...comment(e.description, indent),
    `${indent}enum ${e.name} {`,
    ...e.values.map((v, i) => `${indent}  ${v} = ${i};`),
    `${indent}}`,
  ];
}

function messageLines(m: MessageModel, pkg: string, indent: string): string[] {
  const inner = `${indent}  `;
  const out = [...comment(m.description, indent), `${indent}message ${m.name} {`];
  for (const n of m.nested) out.push(...(n.kind === 'message' ? messageLines(n, pkg, inner) : enumLines(n, inner)));
  // Fields in number order; a oneof is written where its first member is.
  const written = new Set<number>();
  for (const f of m.fields) {
    if (f.oneof === undefined) {
      out.push(...comment(f.description, inner), `${inner}${fieldLine(f, pkg)}`);
      continue;
    }
    if (written.has(f.oneof)) continue;
    written.add(f.oneof);
    out.push(`${inner}oneof ${m.oneofs[f.oneof]} {`);
    for (const g of m.fields.filter((x) => x.oneof === f.oneof))
      out.push(...comment(g.description, `${inner}  `), `${inner}  ${fieldLine(g, pkg)}`);
    out.push(`${inner}}`);
  }
  out.push(`${indent}}`);
  return out;
}

/** The .proto text of a file model. */
export function printFile(file: FileModel, header: readonly string[] = []): string {
  const pkg = file.package;
  const out = [...header.map((l) => `// ${l}`.trimEnd()), 'syntax = "proto3";', ''];
  if (pkg !== '') out.push(`package ${pkg};`, '');
  const imports = [...file.imports].sort();
  if (imports.length > 0) out.push(...imports.map((i) => `import ${JSON.stringify(i)};`), '');
  out.push(...comment(file.service.description, ''), `service ${file.service.name} {`);
  for (const m of file.service.methods) {
    const ret = m.serverStreaming ? `stream ${typeRef(m.output, pkg)}` : typeRef(m.output, pkg);
    const arg = m.clientStreaming ? `stream ${typeRef(m.input, pkg)}` : typeRef(m.input, pkg);
    out.push(...comment(m.description, '  '), `  rpc ${m.name}(${arg}) returns (${ret});`);
  }
  out.push('}');
  for (const m of file.messages) out.push('', ...messageLines(m, pkg, ''));
  return `${out.join('\n')}\n`;
}

/**
 * The .proto file other languages use to call (or serve) a zod-defined
 * service over gRPC: `{ name: 'conformance/conformance.proto', text }`.
 * Throws a ProtoMappingError naming the first field with no mapping.
 */
export function protoFileOf(service: ServiceDescriptor, header?: readonly string[]): { name: string; text: string } {
  const { file } = mapService(service);
  return { name: file.name, text: printFile(file, header) };
}
