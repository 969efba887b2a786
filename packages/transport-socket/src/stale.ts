/**
 * A unix socket file left by a crashed server: detect it (nobody answers)
 * and remove it, but never remove a live server's socket or a non-socket.
 */
import { lstat, unlink } from 'node:fs/promises';
import { createConnection } from 'node:net';

/** True when something accepts connections at `path`. */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection(path);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/**
 * Called when binding `path` failed with EADDRINUSE. Removes a stale socket
 * and returns true (try again); throws a clear error otherwise.
 */
export async function removeStaleSocket(path: string): Promise<boolean> {
  const info = await lstat(path).catch(() => undefined);
  if (info === undefined) return true; // gone meanwhile
  if (!info.isSocket()) throw new Error(`${path} exists and is not a socket: refusing to replace it`);
  if (await answers(path)) throw new Error(`another server is listening at ${path}`);
  await unlink(path).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'ENOENT') throw e;
  });
  return true;
}
