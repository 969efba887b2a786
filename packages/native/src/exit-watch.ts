/**
 * Notice when another process exits: at once through a pidfd where Linux
 * offers one (5.3+), else by polling /proc. Neither keeps the event loop alive.
 */
import { readFileSync } from 'node:fs';
import { addon, type NativeHandle } from './addon.js';

/** Options of {@link watchProcessExit}. */
export interface ExitWatchOptions {
  /** The process's start time ({@link processStartTime}): a reused PID then counts as exited. */
  startTime?: number;
  /** Milliseconds between checks where pidfds are unavailable (250). */
  pollMs?: number;
}

/**
 * Whether process `pid` runs (a zombie has exited, though its PID still
 * answers signals) and, when `startTime` is given, is the one that started then.
 */
export function isProcessRunning(pid: number, startTime?: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false;
  }
  // Fields after the command name, which may hold spaces and parentheses: state, ppid, ...
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (fields[0] === 'Z' || fields[0] === 'X') return false;
  return startTime === undefined || Number(fields[19]) === startTime;
}

/**
 * Call `onExit` once, on the event loop, when process `pid` has exited (at
 * once if it already has). Returns a function that stops watching.
 */
export function watchProcessExit(pid: number, onExit: () => void, options: ExitWatchOptions = {}): () => void {
  let done = false;
  let handle: NativeHandle | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;
  const stop = (): void => {
    done = true;
    if (handle !== undefined) addon().unwatchExit(handle);
    handle = undefined;
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
  };
  const fire = (): void => {
    if (done) return;
    stop();
    onExit();
  };
  try {
    handle = addon().watchExit(pid, fire);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ESRCH') {
      // No pidfds here (an old kernel, a seccomp filter): poll.
      timer = setInterval(() => {
        if (!isProcessRunning(pid, options.startTime)) fire();
      }, options.pollMs ?? 250);
      timer.unref();
    }
  }
  // Checked after the watch is in place, so an exit in between is not missed.
  if (!isProcessRunning(pid, options.startTime)) queueMicrotask(fire);
  return stop;
}
