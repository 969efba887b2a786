/**
 * Futex wake and wait on a 32-bit word of a shared mapping, across processes
 * (Atomics.wait only sees waiters in the same process). Waiting happens on a
 * thread of the waiter's own and is reported on the event loop: it never
 * blocks JavaScript.
 */
import { addon, type NativeHandle } from './addon.js';

/** Wake up to `count` processes waiting on the word at `byteOffset` of `buffer`; returns how many woke. */
export function futexWake(buffer: ArrayBuffer, byteOffset: number, count = 1): number {
  return addon().futexWake(buffer, byteOffset, count);
}

/**
 * Give the CPU to another thread that wants it, if any (sched_yield(2)); returns
 * at once otherwise. A process spinning on shared memory calls it so that a
 * peer on the same CPU — the one it waits for — can run.
 */
export function schedYield(): void {
  addon().schedYield();
}

/** The CPU this thread runs on now (sched_getcpu(3): read from the vDSO, no system call). */
export function currentCpu(): number {
  return addon().currentCpu();
}

/**
 * Watches one word of a shared mapping from a thread of its own, asleep in
 * FUTEX_WAIT, and calls `onChange` on the event loop when the word's value
 * has changed (several changes before the call was delivered make one call).
 * The word is a doorbell: whoever changes it then wakes it with
 * {@link futexWake}. Only one thread should wait on a given word: `close`
 * bumps it and wakes all of its waiters.
 *
 * @example
 * const waiter = new FutexWaiter(segment.buffer, BELL, () => lookAtTheRings());
 * // elsewhere, another process: Atomics.add(words, BELL / 4, 1); futexWake(buffer, BELL);
 */
export class FutexWaiter {
  #handle: NativeHandle | undefined;

  constructor(buffer: ArrayBuffer, byteOffset: number, onChange: () => void) {
    this.#handle = addon().waiterCreate(buffer, byteOffset, () => {
      if (this.#handle !== undefined) onChange();
    });
  }

  /** Stop the thread; `onChange` is not called after this. Close before unmapping the buffer. */
  close(): void {
    const handle = this.#handle;
    if (handle === undefined) return;
    this.#handle = undefined;
    addon().waiterClose(handle);
  }
}
