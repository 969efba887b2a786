/** Running the real CLI, and servers, as child processes. */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const bin = new URL('../dist/bin.js', import.meta.url).pathname;
export const fixtures = new URL('./fixtures/', import.meta.url).pathname;
export const repo = new URL('../../../', import.meta.url).pathname;
export const tmp = (): string => mkdtempSync(join(tmpdir(), 'io-cli-'));

/** Run `interoffice args…` to completion: its exit status and output. */
export function cli(
  args: readonly string[],
  options: { cwd?: string; timeout?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env, ...options.env };
    execFile(
      process.execPath,
      [bin, ...args],
      { cwd: options.cwd ?? repo, timeout: options.timeout ?? 60_000, env },
      (error, stdout, stderr) => {
        const status = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ status, stdout, stderr });
      },
    );
  });
}

export const children: ChildProcess[] = [];
export function killChildren(): void {
  for (const c of children.splice(0)) c.kill('SIGKILL');
}

/** Start a child that prints lines; resolves once `pattern` matched `count` times, with the captures. */
export function start(
  args: readonly string[],
  pattern: RegExp,
  count = 1,
  stream: 'stdout' | 'stderr' = 'stdout',
  options: { env?: NodeJS.ProcessEnv; uid?: number; gid?: number } = {},
): Promise<{ child: ChildProcess; found: string[]; output: () => string }> {
  const as = options.uid === undefined ? {} : { uid: options.uid, gid: options.gid };
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
    ...as,
  });
  children.push(child);
  let text = '';
  child.stdout?.setEncoding('utf8').on('data', (t: string) => (text += t));
  child.stderr?.setEncoding('utf8').on('data', (t: string) => (text += t));
  return new Promise((resolve, reject) => {
    const found: string[] = [];
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${text}`)));
    child[stream]?.on('data', (t: string) => {
      for (const m of t.matchAll(new RegExp(pattern, 'g'))) found.push(m[1] ?? m[0]);
      if (found.length >= count) resolve({ child, found, output: () => text });
    });
  });
}

/** The fixture Calculator in its own process, on `urls`. */
export async function server(...urls: string[]): Promise<{ urls: string[]; output: () => string; child: ChildProcess }> {
  const { child, found, output } = await start([join(fixtures, 'server.mjs'), ...urls], /listening on (\S+)/, urls.length);
  return { urls: found, output, child };
}
