/**
 * Endpoint URLs of the file transport: `file:///tmp/calc/shared.json`, the
 * shared file itself; `?lock=<name>` names its lock file (in the same folder
 * unless absolute) when it is not `<file>.lock`.
 */
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The files one endpoint uses. */
export interface FileAddress {
  /** The shared JSON file, absolute. */
  readonly path: string;
  /** Its folder: watched for changes; temporary files are written there. */
  readonly dir: string;
  /** Its base name, as change events report it. */
  readonly name: string;
  /** The lock file every program takes before touching the shared file (`filelock.FileLock`'s). */
  readonly lockPath: string;
  /** Held by the Interoffice server serving the file, for as long as it serves (`<file>.server.lock`). */
  readonly presencePath: string;
}

export function fileAddress(url: URL): FileAddress {
  if (url.protocol !== 'file:') throw new TypeError(`not a file URL: ${url.href}`);
  const bare = new URL(url.href);
  bare.search = '';
  bare.hash = '';
  let path: string;
  try {
    path = fileURLToPath(bare);
  } catch (e) {
    throw new TypeError(
      `file URLs name a local path, as in file:///tmp/calc/shared.json (got ${url.href}): ${(e as Error).message}`,
    );
  }
  if (path.endsWith('/')) throw new TypeError(`file URL names a folder, not a file: ${url.href}`);
  for (const key of url.searchParams.keys()) {
    if (key !== 'lock') throw new TypeError(`unknown parameter ${key} in ${url.href} (file URLs take ?lock=<name>)`);
  }
  const dir = dirname(path);
  const lock = url.searchParams.get('lock');
  if (lock === '') throw new TypeError(`empty lock name in ${url.href}`);
  return {
    path,
    dir,
    name: basename(path),
    lockPath: lock === null ? `${path}.lock` : resolve(dir, lock),
    presencePath: `${path}.server.lock`,
  };
}
