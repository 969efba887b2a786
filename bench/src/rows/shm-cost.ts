/**
 * What the shm rows cost besides their calls: CPU time of an idle server and
 * an idle client over 5 s, and on which CPUs the OS ran the two processes
 * while they were measured. Linux /proc only.
 */
import { fork } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const IDLE_MS = 5000;

/** The CPU a process's main thread last ran on (/proc/<pid>/stat field 39). */
function cpuOf(pid: number | 'self'): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const cpu = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[36];
    return cpu === undefined ? undefined : Number(cpu);
  } catch {
    return undefined;
  }
}

/** Nanoseconds on CPU of all threads of `pid` (/proc/<pid>/task/<tid>/schedstat). */
function cpuNanos(pid: number): number {
  let total = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      total += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // the thread ended meanwhile
    }
  }
  return total;
}

/** Samples, every 10 ms while measuring, whether client (this process) and server share a CPU. */
export class Placement {
  #same = 0;
  #samples = 0;
  readonly #clientCpus = new Set<number>();
  readonly #serverCpus = new Set<number>();
  readonly #timer: ReturnType<typeof setInterval>;

  constructor(serverPid: number) {
    this.#timer = setInterval(() => {
      const c = cpuOf('self');
      const s = cpuOf(serverPid);
      if (c === undefined || s === undefined) return;
      this.#samples++;
      if (c === s) this.#same++;
      this.#clientCpus.add(c);
      this.#serverCpus.add(s);
    }, 10);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  summary(): string {
    const pct = this.#samples === 0 ? 0 : (100 * this.#same) / this.#samples;
    const list = (s: Set<number>): string => [...s].sort((a, b) => a - b).join(',');
    return (
      `client and server last ran on the same CPU in ${pct.toFixed(0)}% of ${this.#samples} samples ` +
      `(client on CPUs ${list(this.#clientCpus)}, server on ${list(this.#serverCpus)})`
    );
  }
}

/**
 * CPU used over 5 s by the server and by a fresh client process that made a
 * few calls and then sat idle, connected.
 */
export async function measureIdle(url: URL, serverPid: number, spinMicros: number): Promise<string> {
  const child = fork(new URL('./shm-idle.js', import.meta.url), [url.href, String(spinMicros), String(IDLE_MS)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const message = (): Promise<unknown> =>
    new Promise((resolve, reject) => {
      child.once('message', resolve);
      child.once('exit', (code) => reject(new Error(`idle client exited with ${code}`)));
    });
  await message(); // connected, calls made: idle from now
  const server0 = cpuNanos(serverPid);
  const t0 = performance.now();
  const clientMicros = (await message()) as number;
  const ms = performance.now() - t0;
  const serverPct = (cpuNanos(serverPid) - server0) / 1e4 / ms;
  const clientPct = clientMicros / 10 / ms;
  return `idle for ${(ms / 1000).toFixed(1)} s: server ${serverPct.toFixed(2)}% of a core, client ${clientPct.toFixed(2)}%`;
}
