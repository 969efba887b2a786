/**
 * The Interoffice half of `interoffice gen` for a .proto file: beside
 * ts-proto's `x.ts`, an `x.interoffice.ts` with a core Schema per message
 * (proto3 JSON on the wire, checked by zod; ts-proto's type in code) and a
 * ServiceDescriptor per service, so the generated client and server run over
 * every transport. The schemas carry the file's descriptors, which the gRPC
 * transport encodes with and serves by reflection.
 */
import { toBinary, type DescFile, type DescMessage, type DescService } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema, type FileDescriptorProto } from '@bufbuild/protobuf/wkt';
import { dirname, posix } from 'node:path';
import { commentOf } from './comments.js';
import { isWellKnown, jsonMembers, tsMembers, type MessageRef } from './zod-text.js';

/** ts-proto's name for a message or enum: its name inside the package, dots as underscores. */
export function tsName(typeName: string, pkg: string): string {
  return (pkg === '' ? typeName : typeName.slice(pkg.length + 1)).replace(/\./g, '_');
}

/** `calculator/v1/calculator.proto` → `calculator/v1/calculator` */
const base = (protoName: string): string => protoName.replace(/\.proto$/, '');

function relativeModule(from: string, to: string): string {
  const rel = posix.relative(dirname(from), to);
  return rel.startsWith('.') ? `${rel}.js` : `./${rel}.js`;
}

function allMessages(messages: readonly DescMessage[]): DescMessage[] {
  return messages.flatMap((m) => [m, ...allMessages(m.nestedMessages)]);
}

/** The file and everything it imports, serialized, the file first. */
function closure(file: DescFile): FileDescriptorProto[] {
  const out = new Map<string, FileDescriptorProto>();
  const visit = (f: DescFile): void => {
    if (out.has(f.name)) return;
    out.set(f.proto.name, f.proto);
    f.dependencies.forEach(visit);
  };
  visit(file);
  return [...out.values()];
}

const helpers = `// proto3 JSON of scalars, as JSON transports carry them (numbers may also be strings).
// A value of the wrong kind reads as zod's own \`Invalid input: expected number, received string\`, on every transport.
const received = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
// As zod says it: an int field asks for a number first (\`received string\`), then for an int (\`received number\`).
const expected = (what: string) => ({
  error: (i: { input?: unknown }) =>
    \`Invalid input: expected \${what === 'int' && typeof i.input !== 'number' ? 'number' : what}, received \${received(i.input)}\`,
});
const num = z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity']), z.string().regex(/^-?\\d+(\\.\\d+)?([eE][+-]?\\d+)?$/, expected('number'))], expected('number'));
const intString = z.string().regex(/^-?\\d+$/, expected('int'));
const int32 = z.union([z.number().int().min(-2147483648).max(2147483647), intString], expected('int'));
const uint32 = z.union([z.number().int().min(0).max(4294967295), intString], expected('int'));
const int64 = z.union([z.number().int(), intString], expected('int'));
const b64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, expected('base64'));
/** Every proto3 JSON field may be absent, or null (its default). */
const opt = <T extends z.ZodType>(t: T) => t.nullable().optional();

/** A Schema of a ts-proto message: checked proto3 JSON on the wire, ts-proto's type in code. */
function message<T>(
  protoType: string,
  fns: { fromJSON(object: unknown): T; toJSON(message: T): unknown },
  json: z.ZodType,
  ts: z.ZodType,
  fields: readonly string[],
): Schema<T> {
  const wire = fromZod(json);
  const value = fromZod(ts);
  return {
    decode: (w) => {
      const r = wire.decode(w);
      return r.success ? { success: true, data: fns.fromJSON(r.data) } : r;
    },
    encode: (v) => {
      const r = value.encode(v);
      return r.success ? { success: true, data: fns.toJSON(v) } : r;
    },
    fields,
    source: { protoType, protoFiles, message: fns },
    jsonSchema: () => wire.jsonSchema?.() ?? {},
  };
}`;

/** The text of `<name>.interoffice.ts` for `file`, or undefined when it has no messages or services. */
export function emitFile(file: DescFile): { name: string; content: string } | undefined {
  const pkg = file.proto.package;
  const own = base(file.name);
  const messages = allMessages(file.messages);
  if (messages.length === 0 && file.services.length === 0) return undefined;
  const imports = new Map<string, Set<string>>(); // module → names
  const use = (module: string, name: string): string => {
    const set = imports.get(module) ?? new Set();
    set.add(name);
    imports.set(module, set);
    return name;
  };
  const local = (m: DescMessage): boolean => m.file === file;
  const ref: MessageRef = (m, form) => {
    const id = `${form}_${tsName(m.typeName, m.file.proto.package)}`;
    if (local(m)) return `z.lazy(() => ${id})`;
    const alias = `${id}$${m.file.proto.package.replace(/\./g, '_')}`;
    use(relativeModule(own, `${base(m.file.name)}.interoffice`), `${id} as ${alias}`);
    return `z.lazy(() => ${alias})`;
  };
  const body: string[] = [];
  for (const m of messages) {
    const name = tsName(m.typeName, pkg);
    body.push(
      `/** ${m.typeName}: its proto3 JSON and its TypeScript form. */`,
      `export const json_${name}: z.ZodType = z.object({${list(jsonMembers(m, ref))}});`,
      `export const ts_${name}: z.ZodType = z.object({${list(tsMembers(m, ref))}});`,
    );
  }
  body.push('');
  const schemaOf = (m: DescMessage): string => {
    if (local(m)) return `${tsName(m.typeName, pkg)}Schema`;
    if (isWellKnown(m)) {
      if (m.typeName !== 'google.protobuf.Empty') throw new Error(`${m.typeName} as a method's input or output is not supported yet`);
      use(relativeModule(own, 'google/protobuf/empty'), 'Empty');
      return 'EmptySchema';
    }
    return use(relativeModule(own, `${base(m.file.name)}.interoffice`), `${tsName(m.typeName, m.file.proto.package)}Schema`);
  };
  for (const m of messages) {
    const name = tsName(m.typeName, pkg);
    use(relativeModule(own, own), name);
    const doc = commentOf(file, m) ?? m.typeName;
    body.push(
      `/** ${doc.replace(/\n/g, ' ')} */`,
      `export const ${name}Schema: Schema<${name}> = message(${JSON.stringify(m.typeName)}, ${name}, json_${name}, ts_${name}, ${JSON.stringify(m.fields.map((f) => f.jsonName))});`,
    );
  }
  const services = file.services.map((s) => serviceText(file, s, schemaOf));
  if (imports.get(relativeModule(own, 'google/protobuf/empty'))?.has('Empty')) {
    body.push("const EmptySchema: Schema<Empty> = message('google.protobuf.Empty', Empty, z.object({}), z.object({}), []);");
  }
  // buf's image extensions are dropped: what is served is the plain descriptor.
  const files = closure(file).map((f) => Buffer.from(toBinary(FileDescriptorProtoSchema, { ...f, $unknown: undefined })).toString('base64'));
  const head = [
    '// Code generated by interoffice gen. DO NOT EDIT.',
    `// source: ${file.proto.name}`,
    '/* eslint-disable */',
    `import { ${coreImports(file)} } from '@interoffice/core';`,
    "import { z } from 'zod';",
    ...[...imports].map(([module, names]) => `import { ${[...names].sort().join(', ')} } from ${JSON.stringify(module)};`),
    '',
    `/** ${file.proto.name} and the files it imports (serialized FileDescriptorProtos): what the gRPC transport encodes with and serves by reflection. */`,
    `export const protoFiles: readonly string[] = [\n${files.map((f) => `  ${JSON.stringify(f)},`).join('\n')}\n];`,
    '',
    helpers,
    '',
  ];
  return { name: `${own}.interoffice.ts`, content: `${[...head, ...body, ...services].join('\n')}\n` };
}

/** The call kind each protobuf method kind is. */
const kinds = {
  unary: 'unary',
  server_streaming: 'serverStream',
  client_streaming: 'clientStream',
  bidi_streaming: 'bidiStream',
} as const;

/** What the generated module imports from core: the kinds its services use, and the rest it always needs. */
function coreImports(file: DescFile): string {
  const used = new Set<string>(file.services.flatMap((s) => s.methods.map((m) => kinds[m.methodKind])));
  const streams = (['serverStream', 'clientStream', 'bidiStream'] as const).filter((k) => used.has(k));
  return [...streams, 'defineService', 'fromZod', 'unary', 'type Schema'].join(', ');
}

function list(members: readonly string[]): string {
  return members.length === 0 ? '' : `\n  ${members.join(',\n  ')},\n`;
}

function serviceText(file: DescFile, service: DescService, schemaOf: (m: DescMessage) => string): string {
  const lines = ['', `/** ${(commentOf(file, service) ?? service.typeName).replace(/\n/g, ' ')} */`];
  lines.push(`export const ${service.name} = defineService(${JSON.stringify(service.typeName)}, {`);
  for (const m of service.methods) {
    const doc = commentOf(file, m);
    const description = doc === undefined ? '' : `, description: ${JSON.stringify(doc)}`;
    const fn = kinds[m.methodKind];
    lines.push(`  ${m.name}: ${fn}({ input: ${schemaOf(m.input)}, output: ${schemaOf(m.output)}${description} }),`);
  }
  lines.push('});');
  return lines.join('\n');
}
