/** Process liveness and ownership, from the kernel's own answers (Linux). */
import { readFileSync } from 'node:fs';

/** True when a process with this PID exists (it may belong to another user). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The real user id owning process `pid`, or undefined when there is no such process. */
export function processOwner(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const uid = /^Uid:\s+(\d+)/m.exec(status)?.[1];
    return uid === undefined ? undefined : Number(uid);
  } catch {
    return undefined;
  }
}

/**
 * When process `pid` started, in clock ticks since boot (field 22 of
 * /proc/<pid>/stat): with the PID, it names a process even after the PID is
 * reused. Undefined when there is no such process.
 */
export function processStartTime(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const start = fields[19];
    return start === undefined ? undefined : Number(start);
  } catch {
    return undefined;
  }
}
