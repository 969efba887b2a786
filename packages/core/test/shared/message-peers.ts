/**
 * Test helpers the message transports' tests share (Redis, NATS, AMQP, MQTT,
 * file): waiting for a condition, the Jobs service their workers serve, its
 * in-process handlers, and worker processes (message-worker.mjs, or a
 * package's own script) watched through the lines they print.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { defineService, implement, serverStream, unary, type CallContext } from '@interoffice/core';
import { z } from 'zod';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

import { until } from './until.js';

export { until };

/** The service message-worker.mjs serves (it defines the same one: a script cannot import TypeScript). */
export const Jobs = defineService('Jobs', {
  add: unary({ input: z.object({ a: z.number(), b: z.number() }), output: z.number() }),
  work: unary({
    input: z.object({ tag: z.string(), ms: z.number() }),
    output: z.object({ tag: z.string(), worker: z.string() }),
  }),
  countdown: serverStream({ input: z.object({ from: z.number().int(), delayMs: z.number() }), output: z.number() }),
});

/** What an in-process Jobs server saw. */
export interface Seen {
  runs: string[];
  aborted: { tag: string; code: unknown }[];
}

/** Jobs handlers for an in-process server, recording into `seen`; `label` names the worker. */
export function jobs(seen: Seen, label = 'in-process') {
  return implement(Jobs, {
    add: ({ a, b }) => {
      seen.runs.push(`add ${a} ${b}`);
      return a + b;
    },
    work: ({ tag, ms }, ctx: CallContext) =>
      new Promise((resolve, reject) => {
        seen.runs.push(tag);
        const t = setTimeout(() => resolve({ tag, worker: label }), ms);
        ctx.signal.addEventListener('abort', () => {
          clearTimeout(t);
          seen.aborted.push({ tag, code: (ctx.signal.reason as { code?: unknown } | undefined)?.code });
          reject(ctx.signal.reason);
        });
      }),
    countdown: async function* ({ from, delayMs }) {
      for (let i = from; i >= 0; i--) {
        yield i;
        await sleep(delayMs);
      }
    },
  });
}

/** The shared worker script: `node message-worker.mjs <transport module> <factory> <url> <label> [options JSON]`. */
export const messageWorker = new URL('./message-worker.mjs', import.meta.url).pathname;

/** The shared caller script: `node message-caller.mjs <transport module> <factory> <url> <tag> <ms> <timeout>`. */
export const messageCaller = new URL('./message-caller.mjs', import.meta.url).pathname;

/**
 * A client killed (`kill -9`) while `worker` runs its call `work({ tag: 'orphan', ms: 60 s })`,
 * whose deadline is `timeoutMs`: resolves with the worker's "abort orphan <code>" line once the
 * worker ends the call (the medium's goodbye, or the deadline that travelled with it).
 */
export async function killCallerMidCall(
  worker: WorkerProcess,
  transportModule: string,
  factory: string,
  url: string,
  timeoutMs: number,
): Promise<{ line: string; afterKillMs: number }> {
  const args = [messageCaller, transportModule, factory, url, 'orphan', '60000', String(timeoutMs)];
  const caller = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    await until(() => worker.saw('start orphan').length === 1, 15_000, 'the caller process’s call to start');
    const gone = new Promise((r) => caller.once('exit', r));
    caller.kill('SIGKILL');
    await gone;
    const killedAt = Date.now();
    await until(() => worker.saw('abort orphan').length === 1, timeoutMs + 10_000, 'the worker to end the dead caller’s call');
    return { line: worker.saw('abort orphan')[0] as string, afterKillMs: Date.now() - killedAt };
  } finally {
    caller.kill('SIGKILL');
  }
}

/**
 * A client process (close-and-exit.mjs) connected to `url`, told to close its channel once
 * `stall()` has stopped the broker answering: resolves with the milliseconds from the close
 * until the process exited by itself, or rejects after `withinMs`.
 */
export async function exitAfterClose(
  transportModule: string,
  factory: string,
  url: string,
  stall: () => unknown,
  withinMs: number,
): Promise<number> {
  const script = new URL('./close-and-exit.mjs', import.meta.url).pathname;
  const child = spawn(process.execPath, [script, transportModule, factory, url], { stdio: ['pipe', 'pipe', 'inherit'] });
  try {
    let out = '';
    child.stdout?.setEncoding('utf8').on('data', (t: string) => (out += t));
    const exited = new Promise<number>((r) => child.once('exit', () => r(Date.now())));
    await until(() => out.includes('connected'), 10_000, 'the client process connected');
    await stall(); // resolved once the broker has stopped answering
    const started = Date.now();
    child.stdin?.write('close\n');
    await until(() => child.exitCode !== null || child.signalCode !== null, withinMs, 'the client process to exit after closing');
    return (await exited) - started;
  } finally {
    child.kill('SIGKILL');
  }
}

/** A worker process and the lines it printed ("ready", then one line per event). */
export class WorkerProcess {
  readonly lines: string[] = [];
  exited = false;
  private constructor(readonly child: ChildProcess) {}

  /** Run `node script ...args` and resolve once it prints "ready"; `label` names it in errors. */
  static async spawn(script: string, args: readonly string[], label: string): Promise<WorkerProcess> {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    const w = new WorkerProcess(child);
    let rest = '';
    child.stdout?.setEncoding('utf8').on('data', (text: string) => {
      const parts = (rest + text).split('\n');
      rest = parts.pop() ?? '';
      w.lines.push(...parts);
    });
    child.once('exit', () => (w.exited = true));
    await until(() => w.lines.includes('ready') || w.exited, 15_000, `worker ${label} ready`);
    if (w.exited) throw new Error(`worker ${label} exited before it was ready`);
    return w;
  }

  /** message-worker.mjs serving Jobs at `url` over the transport `factory(options)` exported by `transportModule`. */
  static jobs(
    transportModule: string,
    factory: string,
    url: string,
    label: string,
    options: object = {},
  ): Promise<WorkerProcess> {
    return WorkerProcess.spawn(messageWorker, [transportModule, factory, url, label, JSON.stringify(options)], label);
  }

  /** Lines that start with `prefix`. */
  saw(prefix: string): string[] {
    return this.lines.filter((l) => l.startsWith(prefix));
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.exited) return;
    const gone = new Promise((r) => this.child.once('exit', r));
    this.child.kill(signal);
    await gone;
  }
}
