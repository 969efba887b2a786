/** Test helpers: fresh queue URLs on the shared broker, the Jobs service, worker processes. */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  createServer as createNetServer,
  connect as netConnect,
  type AddressInfo,
  type Server as NetServer,
  type Socket,
} from 'node:net';
import { defineService, implement, serverStream, unary, type CallContext } from '@interoffice/core';
import { inject } from 'vitest';
import { z } from 'zod';

/** The broker every test uses: AMQP_URL, else RabbitMQ on 127.0.0.1:5672 as guest. */
export const amqpUrl: string = process.env.AMQP_URL ?? 'amqp://127.0.0.1:5672';

const runId: string = inject('runId');
let n = 0;
/** A URL naming a queue no other test (nor engineer sharing the broker) uses. */
export function queueUrl(base: string = amqpUrl, query = ''): string {
  return `${base}/io-${runId}-${process.pid}-${n++}${query}`;
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

/** A worker process (test/fixtures/worker.mjs) and the lines it printed. */
export class WorkerProcess {
  readonly lines: string[] = [];
  exited = false;
  private constructor(readonly child: ChildProcess) {}

  static async start(url: string, label: string, options: object = {}): Promise<WorkerProcess> {
    const child = spawn(
      process.execPath,
      [new URL('./fixtures/worker.mjs', import.meta.url).pathname, url, label, JSON.stringify(options)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
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

// The seed's calculator, as the Python peers know it: the one every transport's tests share.
export { AliceBroke, Calculator, calculator } from '@interoffice/core/conformance';

/** Debian's interpreter, which has python3-pika (the python3 first on PATH may not). */
export const python = '/usr/bin/python3';

/** The path of a program in examples/python. */
export const pythonExample = (name: string): string => new URL(`../../../examples/python/${name}`, import.meta.url).pathname;

/**
 * Close, on the broker, the connections of `role` (client, worker, events)
 * to `url`'s queue — as a broker restart would, without restarting the
 * broker other tests share. Resolves with how many were closed.
 */
export function dropConnections(url: string, role: string): number {
  const rows = execFileSync('rabbitmqctl', ['list_connections', '--quiet', '--no-table-headers', 'pid', 'client_properties'], {
    encoding: 'utf8',
  }).split('\n');
  const mine = rows.filter((r) => r.includes(`interoffice ${role} ${url}`)).map((r) => r.split('\t')[0] ?? '');
  for (const pid of mine) execFileSync('rabbitmqctl', ['close_connection', pid, 'closed by a test']);
  return mine.length;
}

/**
 * A TCP relay in front of the broker, which a test can take down (every
 * connection cut, new ones refused) and bring back on the same port: a broker
 * outage, without stopping the broker others share.
 */
export class BrokerRelay {
  readonly #sockets = new Set<Socket>();
  #server: NetServer | undefined;
  port = 0;

  static async start(): Promise<BrokerRelay> {
    const relay = new BrokerRelay();
    await relay.up();
    return relay;
  }

  /** The relay's URL for `queue`. */
  url(queue: string): string {
    return `amqp://127.0.0.1:${this.port}/${queue}`;
  }

  async up(): Promise<void> {
    const broker = new URL(amqpUrl);
    const server = createNetServer((client) => {
      const upstream = netConnect(Number(broker.port || 5672), broker.hostname);
      for (const s of [client, upstream]) {
        this.#sockets.add(s);
        s.on('error', () => s.destroy()).on('close', () => {
          this.#sockets.delete(s);
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((r) => server.listen(this.port, '127.0.0.1', r));
    this.port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  async down(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const s of this.#sockets) s.destroy();
    await new Promise((r) => server?.close(r) ?? r(undefined));
  }
}
