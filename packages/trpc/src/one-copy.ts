/**
 * tRPC tells its own errors and tracked events apart by identity (its
 * classes with `instanceof`, tracked events by a symbol of its module), so
 * an application and this package must share one copy of `@trpc/server` and
 * `@trpc/client` — they are our peer dependencies. With two, results come
 * out wrong without a word (`e.data.code` undefined, tracked events as
 * arrays): we say so at once instead.
 */
import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { sep } from 'node:path';

/** The folder of the copy of package `name` that code at `from` would load, if it can load one. */
function copyOf(from: string, name: string): string | undefined {
  let entry: string;
  try {
    entry = createRequire(from).resolve(name);
  } catch {
    return undefined;
  }
  const marker = `${sep}node_modules${sep}${name.split('/').join(sep)}${sep}`;
  const at = entry.lastIndexOf(marker);
  return at === -1 ? undefined : realpathSync(entry.slice(0, at + marker.length - 1));
}

/**
 * Throw when the application (its main module, `main`) loads another copy
 * of one of `names` than this package does.
 */
export function checkOneCopy(names: readonly string[], main: string | undefined = process.argv[1]): void {
  if (main === undefined) return;
  for (const name of names) {
    const ours = copyOf(import.meta.url, name);
    const theirs = copyOf(main, name);
    if (ours === undefined || theirs === undefined || ours === theirs) continue;
    throw new Error(
      `two copies of ${name}: the application's (${theirs}) and @interoffice/trpc's (${ours}). tRPC compares its ` +
        'errors and tracked events by identity, so with two copies they would come out wrong. Install one: make ' +
        `${name} a dependency of the application in a version @interoffice/trpc accepts (it is a peer dependency), ` +
        `then npm dedupe (npm ls ${name} shows the copies)`,
    );
  }
}
