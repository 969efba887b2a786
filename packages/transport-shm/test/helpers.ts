/** Test helpers: fresh segment names, processes of the fixtures, waiting. */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { serve, type Server } from '@interoffice/core';
import { shmTransport, type ShmTransportOptions } from '../src/index.js';

let n = 0;

/** A fresh shm URL, unique to this process and test; a segment left by a killed server is removed after the test. */
export function shmUrl(): string {
  const url = `shm://t-${process.pid}-${n++}`;
  cleanups.unshift(() => rmSync(segmentPath(url), { force: true }));
  return url;
}

/** The segment file of `url`. */
export function segmentPath(url: string): string {
  return `/dev/shm/interoffice-${new URL(url).host}`;
}

export const exists = (url: string): boolean => existsSync(segmentPath(url));

// The Calculator every transport's tests share (fixtures/calc.mjs gives child processes the same).
import { calculator, type Seen } from '@interoffice/core/conformance';
export { until } from '../../core/test/shared/until.js';
export { AliceBroke, Calculator, calculator, type Seen } from '@interoffice/core/conformance';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Things to undo after each test. */
export const cleanups: (() => unknown)[] = [];
export async function cleanUp(): Promise<void> {
  for (const c of cleanups.splice(0).reverse()) await c();
}

/** An in-process server on `url`; closed after the test. */
export async function inProcess(url: string, options: ShmTransportOptions = {}): Promise<{ server: Server; seen: Seen }> {
  const seen: Seen = { calls: 0, aborted: [] };
  const server = await serve(calculator(seen), {
    listen: [url],
    transports: [shmTransport(options)],
    logger: { warn: () => {}, error: () => {} },
  });
  cleanups.push(() => server.close({ graceMs: 0 }));
  return { server, seen };
}

/** A fixture in a process of its own, killed after the test; resolves once it printed `ready` (or its first line). */
export function child(
  script: 'calc-server.mjs' | 'calc-client.mjs' | 'vandal.mjs',
  args: string[],
): Promise<{ proc: ChildProcess; lines: string[] }> {
  const proc = fork(new URL(`./fixtures/${script}`, import.meta.url), args, { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  cleanups.push(() => proc.kill('SIGKILL'));
  const lines: string[] = [];
  return new Promise((resolve, reject) => {
    proc.stdout?.setEncoding('utf8').on('data', (text: string) => {
      lines.push(...text.split('\n').filter((l) => l !== ''));
      resolve({ proc, lines });
    });
    proc.once('exit', (code) => reject(new Error(`${script} exited with ${code} before printing`)));
  });
}

/**
 * Resolves once `proc` has exited: at once if it already has. An 'exit'
 * listener added after the event would wait for ever, and a child can exit
 * before the test gets to listen (a peer that notices a death through /proc
 * may exit before Node has reaped the dead process).
 */
export function exited(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((r) => proc.once('exit', () => r()));
}

/** Kill with SIGKILL and wait for the exit. */
export async function kill9(proc: ChildProcess): Promise<void> {
  const gone = exited(proc);
  proc.kill('SIGKILL');
  await gone;
}
