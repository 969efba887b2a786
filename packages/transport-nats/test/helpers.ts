/** Test helpers: fresh subjects, waiting for conditions, the shared calculator, Python. */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { defineService, serverStream, unary } from '@interoffice/core';
import { z } from 'zod';

/** The NATS (with JetStream) every engineer's tests share: names must be unique. */
export const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

const run = randomBytes(4).toString('hex');
let n = 0;
/** A subject no other test uses, as an endpoint URL on `base`. */
export function subjectUrl(base: string = natsUrl, query = ''): string {
  return `${base}/t${run}.s${n++}${query}`;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Resolve once `predicate` holds, checking every 20 ms; fail after `ms`. */
export async function until(predicate: () => boolean | Promise<boolean>, ms = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${ms} ms`);
    await sleep(20);
  }
}

export { AliceBroke, Calculator, calculator } from '@interoffice/core/conformance';

/** Debian's interpreter (the python3 first on PATH may not be it). */
export const python = '/usr/bin/python3';

/** The path of a program in examples/python. */
export const pythonExample = (name: string): string => new URL(`../../../examples/python/${name}`, import.meta.url).pathname;

/** Delete the JetStream streams this run's durable subjects made on `base` (the shared server outlives the tests). */
export async function dropStreams(base: string = natsUrl): Promise<void> {
  const { connect } = await import('@nats-io/transport-node');
  const { jetstreamManager } = await import('@nats-io/jetstream');
  const nc = await connect({ servers: new URL(base).host });
  try {
    const jsm = await jetstreamManager(nc);
    for await (const name of jsm.streams.names()) if (name.includes(`_t${run}_`)) await jsm.streams.delete(name).catch(() => {});
  } finally {
    await nc.close();
  }
}

export const Jobs = defineService('Jobs', {
  add: unary({ input: z.object({ a: z.number(), b: z.number() }), output: z.number() }),
  work: unary({
    input: z.object({ tag: z.string(), ms: z.number() }),
    output: z.object({ tag: z.string(), worker: z.string() }),
  }),
  countdown: serverStream({ input: z.object({ from: z.number().int(), delayMs: z.number() }), output: z.number() }),
});

/** A worker process (test/fixtures/worker.mjs, on the built package) and the lines it printed. */
export class WorkerProcess {
  readonly lines: string[] = [];
  exited = false;
  private constructor(readonly child: ChildProcess) {}

  static async start(url: string, label: string, options: object = {}): Promise<WorkerProcess> {
    const script = new URL('./fixtures/worker.mjs', import.meta.url).pathname;
    const child = spawn(process.execPath, [script, url, label, JSON.stringify(options)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
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
