/** Loads the compiled addon, with a clear error where it is missing or unsupported. */
import { createRequire } from 'node:module';

/** The functions the C side exports (native/*.c). */
export interface Addon {
  flock(fd: number, operation: number, nonBlocking: boolean): boolean;
}

let loaded: Addon | undefined;

export function addon(): Addon {
  if (loaded !== undefined) return loaded;
  if (process.platform !== 'linux') {
    throw new Error(`@interoffice/native is not supported on ${process.platform}: it needs Linux`);
  }
  const require = createRequire(import.meta.url);
  try {
    loaded = require('../build/Release/interoffice_native.node') as Addon;
  } catch (e) {
    throw new Error(
      '@interoffice/native is not built: run `node packages/native/scripts/build.mjs` ' +
        `(pnpm install does it): ${(e as Error).message}`,
      { cause: e },
    );
  }
  return loaded;
}
