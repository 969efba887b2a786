/**
 * Where the client and the server run. On a small VM the sequential p50
 * depends on the scheduler more than on the code: a wake-up on another CPU
 * costs tens of µs. So every row is measured with both processes pinned to
 * one CPU (the code's own cost, no cross-CPU wake-up: goals are judged here)
 * and to two different CPUs (parallel work, as on a real deployment).
 * Pinning is `taskset -a -p` on every thread of a process (util-linux).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface Placement {
  /** `same`: client and server on one CPU; `cross`: each on its own; `unpinned`: where the OS likes. */
  readonly name: 'same' | 'cross' | 'unpinned';
  readonly client?: number;
  readonly server?: number;
}

/** The CPUs this process may run on (Cpus_allowed_list in /proc/self/status, e.g. `0-1` or `0,2`). */
export function allowedCpus(): number[] {
  try {
    const line = /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '';
    return line.split(',').flatMap((part) => {
      const [lo, hi] = part.split('-').map(Number) as [number, number | undefined];
      return Array.from({ length: (hi ?? lo) - lo + 1 }, (_, i) => lo + i);
    });
  } catch {
    return [];
  }
}

/** The CPUs allowed when the bench started, before it pinned itself. */
const initial = allowedCpus();

function tasksetWorks(): boolean {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The placements this machine allows: same and cross with taskset and two CPUs, else unpinned only. */
export function placements(): { list: Placement[]; note?: string } {
  const cpus = initial;
  if (!tasksetWorks()) return { list: [{ name: 'unpinned' }], note: 'taskset (util-linux) not found: unpinned only' };
  if (cpus.length < 2) return { list: [{ name: 'unpinned' }], note: 'one CPU: unpinned only' };
  const first = cpus[0] as number;
  const last = cpus.at(-1) as number;
  return {
    list: [
      { name: 'same', client: last, server: last },
      { name: 'cross', client: first, server: last },
    ],
  };
}

/** Run every thread of `pid` on `cpu` (undefined: on every allowed CPU again). Processes that ended are skipped. */
export function pin(pid: number, cpu: number | undefined, cpus: readonly number[] = initial): void {
  const list = cpu === undefined ? cpus.join(',') : String(cpu);
  try {
    execFileSync('taskset', ['-a', '-p', '-c', list, String(pid)], { stdio: 'ignore' });
  } catch {
    // the process ended, or taskset is missing (placements() said so)
  }
}
