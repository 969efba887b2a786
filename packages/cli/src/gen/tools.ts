/**
 * The two tools `interoffice gen` drives, both from npm (nothing downloaded at
 * run time, no system protoc): buf compiles .proto files to descriptors, and
 * the ts-proto plugin turns descriptors into message types.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import {
  CodeGeneratorRequestSchema,
  CodeGeneratorResponseSchema,
  FileDescriptorSetSchema,
  type FileDescriptorProto,
} from '@bufbuild/protobuf/wkt';

const require = createRequire(import.meta.url);

/** Run a node script; resolves with its stdout, rejects with its stderr. */
function runNode(script: string, args: readonly string[], input?: Uint8Array): Promise<Buffer> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolveRun(Buffer.concat(out));
      else reject(new Error(Buffer.concat(err).toString('utf8').trim() || `${script} exited with ${code}`));
    });
    child.stdin.end(input);
  });
}

/** A compiled set of .proto files. */
export interface Compiled {
  /** Every file, imports included, with comments (source info). */
  readonly files: readonly FileDescriptorProto[];
  /** The files that were asked for (not their imports), by name. */
  readonly toGenerate: readonly string[];
}

/** The buf module a path belongs to: the nearest directory up with a buf.yaml, else the path's own directory. */
async function moduleRoot(path: string): Promise<string> {
  const start = (await stat(path)).isDirectory() ? path : dirname(path);
  for (let dir = start; ; dir = dirname(dir)) {
    if (await stat(join(dir, 'buf.yaml')).then(() => true, () => false)) return dir;
    if (dirname(dir) === dir) return start;
  }
}

/**
 * Compile `input` — a directory of .proto files (a buf module), or one
 * .proto file in one — with buf.
 */
export async function compile(input: string): Promise<Compiled> {
  const path = resolve(input);
  const root = await moduleRoot(path);
  const only = (await stat(path)).isDirectory() && path === root ? [] : ['--path', relative(root, path) || '.'];
  const buf = require.resolve('@bufbuild/buf/bin/buf');
  const dir = await mkdtemp(join(tmpdir(), 'interoffice-gen-'));
  try {
    const all = join(dir, 'all.binpb');
    const mine = join(dir, 'mine.binpb');
    await runNode(buf, ['build', root, ...only, '-o', all]);
    await runNode(buf, ['build', root, ...only, '--exclude-imports', '--exclude-source-info', '-o', mine]);
    const files = fromBinary(FileDescriptorSetSchema, await readFile(all)).file;
    const toGenerate = fromBinary(FileDescriptorSetSchema, await readFile(mine)).file.map((f) => f.name);
    return { files, toGenerate };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** ts-proto's options: message types with JSON methods only, so generated code needs no protobuf runtime. */
export const TS_PROTO_OPTIONS = [
  'outputEncodeMethods=false',
  'outputJsonMethods=true',
  'outputPartialMethods=false',
  'outputServices=false',
  'esModuleInterop=true',
  'importSuffix=.js',
];

/**
 * ts-proto's options for `--grpc-js`: the stubs a bare @grpc/grpc-js user
 * writes against — binary encode/decode (importing `@bufbuild/protobuf/wire`),
 * JSON and fromPartial methods, and grpc-js service definitions and clients
 * (importing `@grpc/grpc-js`).
 */
export const TS_PROTO_GRPC_JS_OPTIONS = [
  'outputEncodeMethods=true',
  'outputJsonMethods=true',
  'outputPartialMethods=true',
  'outputServices=grpc-js',
  'esModuleInterop=true',
  'importSuffix=.js',
];

/** Run the ts-proto plugin on compiled files with `options`; the files it writes, by name. */
export async function tsProto(compiled: Compiled, options: readonly string[] = TS_PROTO_OPTIONS): Promise<{ name: string; content: string }[]> {
  const request = create(CodeGeneratorRequestSchema, {
    fileToGenerate: [...compiled.toGenerate],
    parameter: options.join(','),
    protoFile: [...compiled.files],
  });
  const plugin = require.resolve('ts-proto/protoc-gen-ts_proto');
  const response = fromBinary(CodeGeneratorResponseSchema, await runNode(plugin, [], toBinary(CodeGeneratorRequestSchema, request)));
  if (response.error) throw new Error(`ts-proto: ${response.error}`);
  return response.file.map((f) => ({ name: f.name, content: f.content }));
}
