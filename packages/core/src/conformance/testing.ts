/**
 * Small tools every transport's tests use, beside the conformance suite:
 * a repeatable random source for fuzz tests, the heap as it stands once
 * garbage is collected (for load tests that must show nothing is kept), and
 * a wait for a condition with a deadline (for tests that would otherwise sleep).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** A repeatable random source: `next(n)` is an integer from 0 to n − 1 (a linear congruential generator). */
export function seededRandom(seed: number): (n: number) => number {
  let state = seed;
  return (n) => {
    state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff;
    return state % n;
  };
}

let gc: (() => void) | undefined;

/** Bytes of heap in use after two full collections (turns on `--expose-gc` for this process). */
export function settledHeap(): number {
  if (gc === undefined) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/**
 * Resolves once `condition()` holds (checked at once, then every `everyMs`);
 * rejects after `timeoutMs` naming `what`. Wait for this rather than for a
 * fixed time: a sleep is too short on a loaded machine and too long elsewhere.
 * A negative check ("nothing more arrives") waits for a later positive event
 * that proves the moment has passed, not for a sleep.
 */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  { timeoutMs = 5000, everyMs = 10, what = `${condition}` }: { timeoutMs?: number; everyMs?: number; what?: string } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
