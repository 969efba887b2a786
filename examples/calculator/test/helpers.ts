/** Test helpers: Alice in her own process, and Python with Debian's grpcio. */
import { spawn, type ChildProcess } from 'node:child_process';

// Debian's interpreter, which has python3-grpcio and python3-grpc-tools (the python3 first on PATH may not).
export const python = '/usr/bin/python3';

export const pythonDir = new URL('../../python/', import.meta.url).pathname;
export const repo = new URL('../../../', import.meta.url).pathname;

/** Start a process that prints the URLs (or port) it listens on; resolves once it has printed `count` of them. */
export function started(
  command: string,
  args: readonly string[],
  pattern: RegExp,
  count = 1,
): Promise<{ child: ChildProcess; found: string[]; output: () => string }> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stderr?.setEncoding('utf8').on('data', (t: string) => (text += t));
  return new Promise((resolve, reject) => {
    const found: string[] = [];
    child.once('exit', (code) => reject(new Error(`${command} ${args.join(' ')} exited with ${code}: ${text}`)));
    child.stdout?.setEncoding('utf8').on('data', (t: string) => {
      text += t;
      for (const m of t.matchAll(new RegExp(pattern, 'g'))) found.push(m[1] as string);
      if (found.length >= count) resolve({ child, found, output: () => text });
    });
  });
}

/** Alice, in her own process, listening on `urls`. */
export async function alice(...urls: string[]): Promise<{ child: ChildProcess; urls: string[]; output: () => string }> {
  const script = new URL('../dist/alice.js', import.meta.url).pathname;
  const { child, found, output } = await started(
    process.execPath,
    [script, ...urls.flatMap((u) => ['--listen', u])],
    /listening on (\S+)/,
    urls.length,
  );
  return { child, urls: found, output };
}
