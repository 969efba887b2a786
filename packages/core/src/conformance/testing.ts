/**
 * Small tools every transport's tests use, beside the conformance suite:
 * a repeatable random source for fuzz tests, and the heap as it stands
 * once garbage is collected, for load tests that must show nothing is kept.
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
