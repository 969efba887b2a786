/**
 * Whom a FIFO client talks to. The folder of a `fifo:` URL holds the server's
 * requests FIFO and receives the client's own pair: whoever made the folder
 * reads the client's calls. So before it writes anything, a client checks
 * that the folder and the requests FIFO belong to its own user (or root) and
 * that nobody else can write in the folder. A server makes its folder 0700
 * and its own (private-dir.ts), so a real server always passes.
 */
import { fstat } from 'node:fs';
import { lstat } from 'node:fs/promises';
import { promisify } from 'node:util';
import { RpcError } from '@interoffice/core';
import { ownUid } from './private-dir.js';

const fstatFd = promisify(fstat);

/** Throws UNAUTHENTICATED unless `dir`, and the requests FIFO open as `door`, are this user's (or root's) and closed to others. */
export async function checkServerFolder(dir: string, door: number, url: URL): Promise<void> {
  const uid = ownUid();
  if (uid === undefined) return;
  const [folder, fifo] = await Promise.all([lstat(dir), fstatFd(door)]);
  const refuse = (why: string): RpcError =>
    new RpcError('UNAUTHENTICATED', `${url.href}: ${why}: refusing to talk to it (whoever owns the folder would read our calls)`);
  for (const [what, info] of [
    ['the folder', folder],
    ['its requests FIFO', fifo],
  ] as const) {
    if (info.uid !== uid && info.uid !== 0)
      throw refuse(`${what} belongs to uid ${info.uid}, not to this user (uid ${uid}) or root`);
  }
  if (!folder.isDirectory()) throw refuse(`${dir} is not a folder`);
  if ((folder.mode & 0o022) !== 0)
    throw refuse(`others can write in ${dir} (mode ${(folder.mode & 0o777).toString(8).padStart(4, '0')})`);
}
