/** Test helpers: temp folders, a calculator service, Python peers, file access under the lock. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tryFlock } from '@interoffice/native';
import { LockFile } from '../src/lock.js';
import { until as waitUntil } from '../../core/test/shared/until.js';

const root = mkdtempSync(join(tmpdir(), 'io-file-'));
let n = 0;

/** Debian's interpreter, with python3-filelock (the `python3` first on PATH is another one). */
export const python = '/usr/bin/python3';

/** The seed article's unmodified "Files" programs. */
export const seedAlice = new URL('../../../examples/python/file_alice.py', import.meta.url).pathname;
export const seedBob = new URL('../../../examples/python/file_bob.py', import.meta.url).pathname;
/** Our own Python example client (filelock and the standard library). */
export const pythonClient = new URL('../../../examples/python/file_client.py', import.meta.url).pathname;

/** A fresh folder (not created when `create` is false) and the shared file's path and URL in it. */
export function place(create = true): { dir: string; path: string; url: string } {
  const dir = join(root, `t${n++}`);
  if (create) mkdirSync(dir, { mode: 0o700 });
  const path = join(dir, 'shared.json');
  return { dir, path, url: `file://${path}` };
}

// The Calculator every transport's tests share.
export { AliceBroke, Calculator, calculator, type Seen } from '@interoffice/core/conformance';

/** Read the shared file under its lock, as a well-behaved peer would. */
export async function readLocked(path: string): Promise<string> {
  return withLock(path, () => readFileSync(path, 'utf8'));
}

/** Write the shared file under its lock, in place (as the seed's programs do). */
export async function writeLocked(path: string, text: string): Promise<void> {
  await withLock(path, () => writeFileSync(path, text));
}

/** Run `fn` holding `<path>.lock` (until what it returns settles, when that is a promise). */
export async function withLock<T>(path: string, fn: () => T | Promise<T>): Promise<T> {
  const lock = new LockFile(`${path}.lock`);
  try {
    while (!lock.tryLock()) await sleep(1);
    return await fn();
  } finally {
    lock.close();
  }
}

/** The entries of the shared file, parsed (under the lock). */
export async function entries(path: string): Promise<Record<string, Record<string, unknown>>> {
  return (JSON.parse(await readLocked(path)) as { commands: Record<string, Record<string, unknown>> }).commands;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Wait until `predicate` holds; a throw counts as not yet (the file may not exist or parse yet). */
export function until(predicate: () => boolean | Promise<boolean>, ms?: number): Promise<void> {
  return waitUntil(async () => {
    try {
      return await predicate();
    } catch {
      return false;
    }
  }, ms);
}

/** A Python process running `code` (argv after it), its output collected. */
export function pythonProcess(code: string, args: string[], cwd?: string): ChildProcess & { output: () => string } {
  const child = spawn(python, ['-u', '-c', code, ...args], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return Object.assign(child, { output: () => out });
}

/** A Python process holding `filelock.FileLock(lockPath)` until killed; resolves once it holds it. */
export async function pythonHoldsLock(lockPath: string): Promise<ChildProcess> {
  const code =
    'import sys, time, filelock\nwith filelock.FileLock(sys.argv[1]):\n    print("held", flush=True)\n    time.sleep(600)';
  const child = pythonProcess(code, [lockPath]);
  await until(() => child.output().includes('held'));
  return child;
}

/** True when nobody holds the lock on `lockPath` (checked with flock, as filelock takes it). */
export function lockIsFree(lockPath: string): boolean {
  const lock = new LockFile(lockPath);
  try {
    return lock.tryLock();
  } finally {
    lock.close();
  }
}

export { tryFlock };

/** A logger that keeps what it is told. */
export function memoryLogger(): { warnings: string[]; errors: string[]; warn(m: string): void; error(m: string): void } {
  const log = {
    warnings: [] as string[],
    errors: [] as string[],
    warn: (m: string) => void log.warnings.push(m),
    error: (m: string) => void log.errors.push(m),
  };
  return log;
}
