/**
 * A folder only its owner can enter (0700): the FIFO server's endpoint, and
 * the presence PID folder. Created if absent; an existing one must be a real
 * directory (not a symlink), owned by this process's user, with no access
 * for group or others — anything else is refused rather than "fixed".
 */
import { chmod, lstat, mkdir } from 'node:fs/promises';

/** This process's effective user, or undefined where there are no uids (Windows). */
export function ownUid(): number | undefined {
  return typeof process.geteuid === 'function' ? process.geteuid() : undefined;
}

/** Create `path` 0700, or check that the folder there is private and ours. Returns true if created. */
export async function ensurePrivateDir(path: string, what: string): Promise<boolean> {
  try {
    await mkdir(path, { mode: 0o700 });
    await chmod(path, 0o700); // the umask may have taken bits; set exactly
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`cannot create ${what} ${path}: its parent folder does not exist`, { cause: e });
    if (code !== 'EEXIST') throw new Error(`cannot create ${what} ${path}: ${code ?? (e as Error).message}`, { cause: e });
  }
  await checkPrivateDir(path, what);
  return false;
}

/** Throws a clear error unless `path` is a private directory owned by this user. */
export async function checkPrivateDir(path: string, what: string): Promise<void> {
  const info = await lstat(path).catch((e: NodeJS.ErrnoException) => {
    throw new Error(`cannot use ${what} ${path}: ${e.code ?? e.message}`, { cause: e });
  });
  if (!info.isDirectory()) throw new Error(`${path} exists and is not a folder: refusing to use it as ${what}`);
  const uid = ownUid();
  if (uid !== undefined && info.uid !== uid) {
    throw new Error(`${what} ${path} belongs to uid ${info.uid}, not to this process (uid ${uid}): refusing to use it`);
  }
  if ((info.mode & 0o077) !== 0) {
    const mode = (info.mode & 0o777).toString(8).padStart(4, '0');
    throw new Error(`${what} ${path} has mode ${mode}: others may enter it; make it 0700 (chmod 700) or remove it`);
  }
}
