/**
 * FIFOs as Node streams. Each end is opened non-blocking and wrapped in a
 * `net.Socket`, so reads and writes wait in the event loop (epoll) rather
 * than parking a libuv thread-pool thread on a blocking read. Opens refuse
 * symlinks and anything that is not a FIFO.
 */
import { execFile } from 'node:child_process';
import { close, constants, fstat, lstat, open, unlink, type Stats } from 'node:fs';
import { Socket } from 'node:net';
import { promisify } from 'node:util';

const openFd = promisify(open);
const fstatFd = promisify(fstat);
const closeFd = promisify(close);
const lstatPath = promisify(lstat);
const unlinkPath = promisify(unlink);
const run = promisify(execFile);

const { O_RDONLY, O_WRONLY, O_NONBLOCK, O_NOFOLLOW } = constants;

/**
 * Create FIFOs with mode 0600. Node has no mkfifo(3), so this runs the
 * system's `mkfifo` (coreutils, POSIX), once per connection: a few
 * milliseconds, against the lifetime of a connection.
 */
export async function makeFifos(...paths: string[]): Promise<void> {
  try {
    await run('mkfifo', ['-m', '600', '--', ...paths]);
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    const why = err.code === 'ENOENT' ? 'the mkfifo program is not installed' : err.stderr?.trim() || err.message;
    throw new Error(`cannot create FIFO ${paths.join(', ')}: ${why}`, { cause: e });
  }
}

/** Open `path` with `flags`; the file must be a FIFO (checked on the open descriptor). */
export async function openFifoFd(path: string, flags: number): Promise<number> {
  const fd = await openFd(path, flags | O_NONBLOCK | O_NOFOLLOW);
  let info: Stats;
  try {
    info = await fstatFd(fd);
  } catch (e) {
    await closeFd(fd).catch(() => {});
    throw e;
  }
  if (!info.isFIFO()) {
    await closeFd(fd).catch(() => {});
    throw Object.assign(new Error(`${path} is not a FIFO`), { code: 'ENOTFIFO' });
  }
  return fd;
}

/** The read end of a FIFO as a stream. Opening never waits for a writer. */
export async function openReader(path: string): Promise<Socket> {
  const fd = await openFifoFd(path, O_RDONLY);
  return new Socket({ fd, readable: true, writable: false });
}

/**
 * The write end of a FIFO as a stream. Fails at once with ENXIO when nobody
 * has the FIFO open for reading.
 */
export async function openWriter(path: string): Promise<Socket> {
  const fd = await openFifoFd(path, O_WRONLY);
  return new Socket({ fd, readable: false, writable: true });
}

export { closeFd, O_WRONLY };

/** The inode at `path` if it is a FIFO, else undefined. */
export async function fifoInode(path: string): Promise<number | undefined> {
  const info = await lstatPath(path).catch(() => undefined);
  return info?.isFIFO() === true ? info.ino : undefined;
}

/** Remove `path`, but only while it is still the FIFO with inode `ino` (not a successor's). */
export async function unlinkFifo(path: string, ino?: number): Promise<void> {
  if (ino !== undefined && (await fifoInode(path)) !== ino) return;
  await unlinkPath(path).catch(() => {});
}

/** True when a process has the FIFO at `path` open for reading (a live server). */
export async function hasReader(path: string): Promise<boolean> {
  try {
    await closeFd(await openFifoFd(path, O_WRONLY));
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENXIO') return false;
    throw e;
  }
}
