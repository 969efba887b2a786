/**
 * `interoffice gen`: .proto → TypeScript, or a zod service → .proto and
 * OpenRPC. `--check` compares with what is on disk instead of writing, for
 * CI to fail on stale committed output.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { option, parseArgs, UsageError } from '../args.js';
import { generateFromProto, type GeneratedFile } from '../gen/from-proto.js';
import { generateFromZod } from '../gen/from-zod.js';
import type { Io } from '../io.js';

async function differs(path: string, content: string): Promise<boolean> {
  try {
    return (await readFile(path, 'utf8')) !== content;
  } catch {
    return true;
  }
}

export async function gen(args: readonly string[], io: Io): Promise<number> {
  const p = parseArgs(args, { options: ['--out', '--service'], flags: ['--check', '--grpc-js'] });
  const [input, ...rest] = p.positionals;
  const out = option(p, '--out');
  if (input === undefined || rest.length > 0 || out === undefined) throw new UsageError('gen takes <input> --out <dir>');
  const fromModule = /\.[cm]?js$/.test(input);
  if (!fromModule && p.options.has('--service')) throw new UsageError('--service is for modules of zod services');
  if (fromModule && p.flags.has('--grpc-js')) throw new UsageError('--grpc-js is for .proto input');
  const grpcJs = p.flags.has('--grpc-js');
  const files: GeneratedFile[] = fromModule
    ? await generateFromZod(input, p.options.get('--service'))
    : await generateFromProto(input, { grpcJs });
  if (p.flags.has('--check')) {
    const stale: string[] = [];
    for (const f of files) if (await differs(join(out, f.name), f.content)) stale.push(join(out, f.name));
    for (const s of stale) io.err(`stale: ${s}`);
    if (stale.length > 0)
      io.err(`${stale.length} generated file(s) differ: run interoffice gen ${input} --out ${out}${grpcJs ? ' --grpc-js' : ''}`);
    return stale.length > 0 ? 1 : 0;
  }
  for (const f of files) {
    const path = join(out, f.name);
    await mkdir(dirname(path), { recursive: true });
    if (await differs(path, f.content)) await writeFile(path, f.content);
    io.out(path);
  }
  return 0;
}
