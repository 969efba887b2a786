/**
 * What Linux's /proc says about a process: who owns it and when it started.
 * Together with the PID these identify a process; the PID alone does not
 * (PIDs are reused).
 */
import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';

/** Clock ticks per second in /proc (USER_HZ): 100 on every Linux architecture Node runs on. */
export const TICKS_PER_SECOND = 100;

export interface ProcessInfo {
  /** Real and effective user ids. */
  readonly uid: number;
  readonly euid: number;
  /** Start time, in clock ticks since boot (field 22 of /proc/<pid>/stat). */
  readonly start: number;
}

/** Fields 3 onwards of /proc/<pid>/stat (the name before them, in parentheses, may hold anything). */
function fieldsOf(stat: string): string[] {
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** Start time in ticks: field 22 (fields[0] is field 3). */
function startOf(stat: string): number {
  return Number(fieldsOf(stat)[19]);
}

/** The process `pid`, or undefined when there is none (or only its zombie, which has exited). */
export async function processInfo(pid: number): Promise<ProcessInfo | undefined> {
  try {
    const [stat, status] = await Promise.all([readFile(`/proc/${pid}/stat`, 'utf8'), readFile(`/proc/${pid}/status`, 'utf8')]);
    const state = fieldsOf(stat)[0];
    const uids = /^Uid:\s+(\d+)\s+(\d+)/m.exec(status);
    if (uids === null || state === 'Z' || state === 'X') return undefined;
    return { uid: Number(uids[1]), euid: Number(uids[2]), start: startOf(stat) };
  } catch {
    return undefined; // gone (ENOENT), or exiting
  }
}

/** This process's start time in ticks since boot. */
export function ownStart(): number {
  return startOf(readFileSync('/proc/self/stat', 'utf8'));
}

/** When the machine booted, in ms since the epoch (whole seconds: /proc/stat's btime). */
export async function bootTimeMs(): Promise<number> {
  const m = /^btime (\d+)$/m.exec(await readFile('/proc/stat', 'utf8'));
  return Number(m?.[1] ?? 0) * 1000;
}
