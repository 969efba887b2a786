/**
 * flock(2) locks: the lock Python's `filelock.FileLock` takes on Unix (an
 * exclusive flock on the lock file), so Node and Python programs exclude
 * each other. The kernel releases a dead holder's lock.
 */
import { addon } from './addon.js';

const operations = { shared: 1, exclusive: 2, unlock: 8 } as const;

/** What {@link tryFlock} can do. */
export type FlockOperation = keyof typeof operations;

/**
 * Take (or release) a lock on open file `fd` without waiting: true when
 * done, false when another open file description holds a conflicting lock.
 * Throws (with `code`, e.g. EBADF) on anything else.
 */
export function tryFlock(fd: number, operation: FlockOperation): boolean {
  return addon().flock(fd, operations[operation], true);
}
