/** Test helpers: temp paths, the calculator service, child processes, CPU use. */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineService, implement, unary, type CallContext } from '@interoffice/core';
import { afterAll } from 'vitest';
import { z } from 'zod';
import { AliceBroke } from '@interoffice/core/conformance';

export { AliceBroke };

const root = mkdtempSync(join(tmpdir(), 'io-pipe-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

/** A fresh path in the test folder (nothing there yet). */
export function freshPath(name = 'p'): string {
  return join(root, `${name}${n++}`);
}

const Operands = z.object({ a: z.number(), b: z.number() });
export const Calculator = defineService(
  'Calculator',
  {
    add: unary({ input: Operands, output: z.number() }),
    multiply: unary({ input: Operands, output: z.number() }),
    divide: unary({ input: Operands, output: z.number() }),
    echo: unary({ input: z.object({ text: z.string() }), output: z.string() }),
    wait: unary({ input: z.object({ ms: z.number() }), output: z.string() }),
    log: unary({ input: z.object({ text: z.string() }), output: z.string() }),
    exit: unary({ input: z.object({ code: z.number().int(), afterMs: z.number() }), output: z.null() }),
    crash: unary({ input: z.object({}), output: z.null() }),
  },
  { errors: [AliceBroke] },
);

export interface Seen {
  calls: number;
  aborted: unknown[];
  echoed: string[];
}

/** Handlers that count calls, keep what was echoed, and report aborted waits. */
export function calculator(seen: Seen = { calls: 0, aborted: [], echoed: [] }) {
  return implement(Calculator, {
    add: ({ a, b }) => {
      seen.calls++;
      return a + b;
    },
    multiply: ({ a, b }) => {
      seen.calls++;
      return a * b;
    },
    divide: ({ a, b }) => {
      seen.calls++;
      if (b === 0) throw new AliceBroke('division by zero');
      return a / b;
    },
    echo: ({ text }) => {
      seen.calls++;
      seen.echoed.push(text);
      return text;
    },
    log: ({ text }) => text,
    exit: () => null,
    crash: () => null,
    wait: ({ ms }, ctx: CallContext) =>
      new Promise((resolve, reject) => {
        seen.calls++;
        const t = setTimeout(() => resolve('waited'), ms);
        ctx.signal.addEventListener('abort', () => {
          clearTimeout(t);
          seen.aborted.push(ctx.signal.reason);
          reject(ctx.signal.reason);
        });
      }),
  });
}

export const fixture = (name: string): string => new URL(`./fixtures/${name}`, import.meta.url).pathname;

/** A child process whose output is collected; `line(re)` waits for a matching line. */
export class Child {
  readonly process: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(command: string, args: readonly string[], options: SpawnOptions = {}) {
    this.process = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], ...options });
    this.process.stdout?.setEncoding('utf8').on('data', (t: string) => (this.stdout += t));
    this.process.stderr?.setEncoding('utf8').on('data', (t: string) => (this.stderr += t));
    this.exited = new Promise((resolve) => this.process.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /** Resolves with the first match of `re` in stdout, waiting up to `ms`. */
  async line(re: RegExp, ms = 10_000): Promise<RegExpExecArray> {
    const deadline = Date.now() + ms;
    for (;;) {
      const m = re.exec(this.stdout);
      if (m !== null) return m;
      if (this.process.exitCode !== null || Date.now() > deadline) {
        throw new Error(
          `no ${re} from the child (exit ${this.process.exitCode}); stdout: ${this.stdout}; stderr: ${this.stderr}`,
        );
      }
      await sleep(20);
    }
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill(signal);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** CPU time (user + system, ms) a process has used so far, from /proc. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in 1/100 s
}

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

export const quiet = { warn: () => {}, error: () => {} };
