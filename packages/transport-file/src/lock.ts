/**
 * The lock file, taken the way Python's `filelock.FileLock` takes it on
 * Unix: an exclusive flock(2) on `<file>.lock`. Programs using either
 * exclude each other, and the kernel releases the lock of a holder that
 * dies, so a crash (even kill -9) never blocks the others for good.
 *
 * flock here never blocks (a blocking call would stall the event loop until
 * the holder lets go): callers retry, as filelock itself polls.
 */
import { closeSync, constants, fstatSync, openSync, statSync } from 'node:fs';
import { tryFlock, type FlockOperation } from '@interoffice/native';

const NOFOLLOW = constants.O_NOFOLLOW;

/**
 * Open `path` for locking: created 0600 when missing (as filelock creates
 * it), read-only when another user's file allows no more (flock needs no write access).
 */
export function openLockFile(path: string, create: boolean): number {
  try {
    return openSync(path, constants.O_RDWR | NOFOLLOW | (create ? constants.O_CREAT : 0), 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EACCES') throw e;
    return openSync(path, constants.O_RDONLY | NOFOLLOW);
  }
}

/** An open lock file, and which file it is. */
export interface LockHandle {
  readonly fd: number;
  readonly ino: number;
  readonly dev: number;
}

function openHandle(path: string, create: boolean): LockHandle {
  const fd = openLockFile(path, create);
  const st = fstatSync(fd);
  return { fd, ino: st.ino, dev: st.dev };
}

/**
 * Take `operation` on the lock file at `path` through `handle` (reopened as
 * needed; `handle` is closed when that happens, or when this throws):
 * `locked` is false when someone else holds a conflicting lock.
 * A lock on a file that was removed meanwhile excludes nobody: the seed's
 * Alice removes the lock file when she exits, so each lock is checked
 * against the file that is at `path` now, and taken again on the new one.
 */
export function lockCurrent(
  path: string,
  handle: LockHandle | undefined,
  operation: FlockOperation,
  create: boolean,
): { handle: LockHandle | undefined; locked: boolean } {
  for (let attempt = 0; attempt < 3; attempt++) {
    handle ??= openHandle(path, create);
    try {
      if (!tryFlock(handle.fd, operation)) return { handle, locked: false };
      const now = statSync(path, { throwIfNoEntry: false });
      if (now !== undefined && now.ino === handle.ino && now.dev === handle.dev) return { handle, locked: true };
      tryFlock(handle.fd, 'unlock');
    } catch (e) {
      closeSync(handle.fd); // the caller's handle is gone either way
      throw e;
    }
    closeSync(handle.fd);
    handle = undefined;
  }
  return { handle, locked: false };
}

/** Milliseconds to wait before trying a busy lock again, `waitedMs` after the first try failed: 1, 2, 4 … 20. */
export function lockBackoff(waitedMs: number): number {
  return Math.min(20, 2 ** Math.floor(Math.log2(Math.max(1, waitedMs))));
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * A lock file taken as Python's `filelock.FileLock` takes it (an exclusive
 * flock), and checked against the file at its path each time. It never
 * waits: retry, as filelock does.
 *
 * @example
 * const lock = new LockFile('/srv/calc/shared.json.lock');
 * while (!lock.tryLock()) await new Promise((r) => setTimeout(r, 5));
 * try { ... } finally { lock.unlock(); }
 */
export class LockFile {
  #handle: LockHandle | undefined;
  #held = false;
  /** Create the lock file when it is missing (as filelock does); off for a last cycle, see SharedFile.finish. */
  create = true;

  constructor(readonly path: string) {}

  /** Take the lock if it is free: true when held now. Never waits. */
  tryLock(): boolean {
    const held = this.#handle;
    this.#handle = undefined; // lockCurrent may close it
    const { handle, locked } = lockCurrent(this.path, held, 'exclusive', this.create);
    this.#handle = handle;
    this.#held = locked;
    return locked;
  }

  /**
   * Take the lock, giving its holder up to `maxMs` to let go. Between tries
   * the thread sleeps 50 µs in the kernel instead of spinning: the holder is
   * typically a process that was preempted just after the write that woke
   * us — on a busy machine, preempted by us — and needs the CPU for its last
   * system call. Blocks the event loop for at most `maxMs`.
   */
  tryLockWithin(maxMs: number): boolean {
    if (this.tryLock()) return true;
    const deadline = performance.now() + maxMs;
    while (performance.now() < deadline) {
      Atomics.wait(pause, 0, 0, 0.05);
      if (this.tryLock()) return true;
    }
    return false;
  }

  unlock(): void {
    if (!this.#held || this.#handle === undefined) return;
    this.#held = false;
    tryFlock(this.#handle.fd, 'unlock');
  }

  /** Release and close; the lock file itself stays (removing it would let two holders in, see above). */
  close(): void {
    this.unlock();
    if (this.#handle !== undefined) closeSync(this.#handle.fd);
    this.#handle = undefined;
  }
}
