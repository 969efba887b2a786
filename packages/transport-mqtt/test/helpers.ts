import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/** The shared Mosquitto, or MQTT_URL. */
export const BROKER = process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883';

/** A service topic of its own per test: other engineers use the same broker. */
export function serviceUrl(base = BROKER): string {
  return `${base}/t${randomBytes(5).toString('hex')}`;
}

export const python = '/usr/bin/python3';
export const pythonExample = (name: string): string => new URL(`../../../examples/python/${name}`, import.meta.url).pathname;

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Resolve once `predicate` holds, checking every 20 ms; fail after `ms`. */
export async function until(predicate: () => boolean | Promise<boolean>, ms = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${ms} ms`);
    await sleep(20);
  }
}

/** A worker process (test/fixtures/worker.mjs) and the lines it printed. */
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

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.exited) return;
    const gone = new Promise((r) => this.child.once('exit', r));
    this.child.kill(signal);
    await gone;
  }
}
