/**
 * Stopping a test's own broker with SIGSTOP (its connections stay open, nothing is answered),
 * and knowing when it has stopped: a signal reaches a process running on the other CPU a
 * moment later, so the kernel's word for it (state `T` in /proc) is waited for.
 */
import { readFileSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { until } from './until.js';

/** The process's state letter (R, S, T, ...), from /proc/<pid>/stat; undefined once it is gone. */
function state(pid: number): string | undefined {
  try {
    return /^\d+ \(.*\) (\S)/.exec(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.[1];
  } catch {
    return undefined;
  }
}

/** SIGSTOP `child`, resolving once it is stopped. */
export async function pauseProcess(child: ChildProcess | undefined): Promise<void> {
  const pid = child?.pid;
  if (pid === undefined) throw new Error('no process to pause');
  child?.kill('SIGSTOP');
  await until(() => state(pid) === 'T', 5000, `process ${pid} to stop`);
}
