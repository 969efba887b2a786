/** Loads the compiled addon, with a clear error where it is missing or unsupported. */
import { createRequire } from 'node:module';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** An opaque handle made by the C side (a waiter, an exit watch). */
export type NativeHandle = { readonly __native: unique symbol };

/** The functions the C side exports (native/*.c). */
export interface Addon {
  flock(fd: number, operation: number, nonBlocking: boolean): boolean;
  /** shm.c: map the first `length` bytes of `fd`, shared read-write. */
  map(fd: number, length: number): ArrayBuffer;
  /** shm.c: detach and unmap a buffer made by `map`. */
  unmap(buffer: ArrayBuffer): void;
  /** futex.c: wake up to `count` waiters on the word at `offset`. */
  futexWake(buffer: ArrayBuffer, offset: number, count: number): number;
  /** futex.c: a thread that waits on the word at `offset` and calls back when its value changes. */
  waiterCreate(buffer: ArrayBuffer, offset: number, callback: () => void): NativeHandle;
  waiterClose(waiter: NativeHandle): void;
  /** futex.c: sched_yield(2). */
  schedYield(): void;
  /** futex.c: sched_getcpu(3). */
  currentCpu(): number;
  /** pidfd.c: call back once when process `pid` exits. */
  watchExit(pid: number, callback: () => void): NativeHandle;
  unwatchExit(watch: NativeHandle): void;
}

let loaded: Addon | undefined;

/** Where this copy's build script is: in the workspace or under a project's node_modules. */
const buildScript = (): string => relative(process.cwd(), fileURLToPath(new URL('../scripts/build.mjs', import.meta.url)));

export function addon(): Addon {
  if (loaded !== undefined) return loaded;
  if (process.platform !== 'linux') {
    throw new Error(`@interoffice/native is not supported on ${process.platform}: it needs Linux`);
  }
  const require = createRequire(import.meta.url);
  let candidate: Addon;
  try {
    candidate = require('../build/Release/interoffice_native.node') as Addon;
  } catch (e) {
    throw new Error(
      `@interoffice/native is not built (its install script did not run): run \`node ${buildScript()}\`: ${(e as Error).message}`,
      { cause: e },
    );
  }
  if (typeof candidate.map !== 'function') {
    throw new Error(`@interoffice/native is out of date: rebuild it with \`node ${buildScript()}\``);
  }
  loaded = candidate;
  return loaded;
}
