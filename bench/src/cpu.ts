/**
 * CPU time of processes, from Linux's /proc: what a row's calls cost each
 * side, a figure the machine's other load moves far less than wall time.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Nanoseconds on CPU of all threads of `pid` so far (/proc/<pid>/task/<tid>/schedstat); 0 off Linux. */
export function cpuNanos(pid: number): number {
  let total = 0;
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return 0; // not Linux, or the process ended
  }
  for (const tid of tids) {
    try {
      total += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // the thread ended meanwhile
    }
  }
  return total;
}

/** The CPU time of a set of processes, summed. */
export const cpuNanosOf = (pids: readonly number[]): number => pids.reduce((sum, pid) => sum + cpuNanos(pid), 0);

/** Every process descended from `pid` (children, their children, …), by each process's parent in /proc/<pid>/stat. */
export function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name, which may hold spaces and parentheses: state, ppid, …
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parentOf.set(Number(entry), ppid);
    } catch {
      // ended meanwhile
    }
  }
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift() as number;
    for (const [child, ppid] of parentOf) {
      if (ppid === parent) {
        out.push(child);
        queue.push(child);
      }
    }
  }
  return out;
}
