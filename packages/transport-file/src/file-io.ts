/**
 * Reading and writing the shared file, always under its lock.
 *
 * We replace the file whole (write a temporary file beside it, then rename
 * it over the old one): a reader, even one that takes no lock, sees the old
 * document or the new one, never half of one, and a writer killed midway
 * leaves the old document intact. Programs that open the file after taking
 * the lock (as the seed's do) simply open the new one. A program that keeps
 * the file open across lock cycles would keep reading the old one: for
 * those, `write: 'in-place'` overwrites and truncates the file itself.
 */
import {
  closeSync,
  constants,
  fchmodSync,
  fchownSync,
  fstatSync,
  readSync,
  ftruncateSync,
  openSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import type { FileAddress } from './address.js';

/** The file as we read it, with what a replacement must keep. */
export interface Snapshot {
  readonly bytes: Buffer;
  readonly mode: number;
  readonly gid: number;
}

function notFound(e: unknown): boolean {
  return (e as NodeJS.ErrnoException).code === 'ENOENT';
}

/** The file's bytes and attributes, or undefined when there is no file. */
export function readSnapshot(path: string): Snapshot | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW); // a link to another file is never read (ELOOP)
  } catch (e) {
    if (notFound(e)) return undefined;
    throw e;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new Error(`${path} is not a regular file`);
    return { bytes: readAll(fd, st.size), mode: st.mode & 0o7777, gid: st.gid };
  } finally {
    closeSync(fd);
  }
}

/** The file's `size` bytes (fewer if it is shorter: it is read under the lock, so it does not change meanwhile). */
function readAll(fd: number, size: number): Buffer {
  const bytes = Buffer.allocUnsafe(size);
  let at = 0;
  while (at < size) {
    const n = readSync(fd, bytes, at, size - at, at);
    if (n === 0) break;
    at += n;
  }
  return at === size ? bytes : bytes.subarray(0, at);
}

/**
 * True unless the file holds exactly `known` (undefined: known to be
 * missing). Takes no lock: it only decides whether a locked read is worth
 * taking, and a file caught mid-write by another program reads as changed.
 */
export function differs(path: string, known: Buffer | undefined): boolean {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (e) {
    return !(notFound(e) && known === undefined);
  }
  try {
    const size = fstatSync(fd).size;
    if (known === undefined || size !== known.length) return true;
    return !readAll(fd, size).equals(known);
  } finally {
    closeSync(fd);
  }
}

function writeAll(fd: number, bytes: Buffer): void {
  for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at, at);
}

/**
 * The bytes to write for `text`: a newline after the document (for people
 * reading it), two when that would leave the file exactly the size it had,
 * so that programs watching the size (the seed's server) see every change.
 */
export function withTrailer(text: string, previousSize: number): Buffer {
  const bytes = Buffer.from(`${text}\n`);
  return bytes.length === previousSize ? Buffer.from(`${text}\n\n`) : bytes;
}

/**
 * Replace the file with `bytes`, keeping the mode and group of the file
 * replaced (0600 for a new one): write `<name>.tmp`, rename it over the file.
 * The temporary file is always made anew (O_EXCL), never one found there:
 * a file someone else left under that name is removed first, so what we
 * write is never given to them; and a reader that opened the old file just
 * before (without the lock) reads the old document to its end, however many
 * writes follow. (Reusing the old file as the next temporary one would save
 * ext4's start of writeback on each rename, but would overwrite what such a
 * reader is reading; bench/README.md has the figure.)
 */
export function replaceFile(address: FileAddress, bytes: Buffer, previous: Snapshot | undefined): void {
  const tmp = `${address.path}.tmp`;
  try {
    unlinkSync(tmp); // left by a writer that stopped midway, or by someone else: only ever ours to write under the lock
  } catch (e) {
    if (!notFound(e)) throw e;
  }
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    fchmodSync(fd, previous?.mode ?? 0o600);
    if (previous !== undefined && previous.gid !== process.getegid?.()) setGroup(fd, previous.gid);
    writeAll(fd, bytes);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, address.path);
}

function setGroup(fd: number, gid: number): void {
  try {
    fchownSync(fd, process.geteuid?.() ?? -1, gid);
  } catch {
    // not a member of that group: the file stays in ours
  }
}

/** Remove a temporary file left by a writer that stopped midway (when a program stops using the file). */
export function removeLeftovers(path: string): void {
  try {
    unlinkSync(`${path}.tmp`);
  } catch {
    // not there: the usual case
  }
}

/** Overwrite the file where it is, then cut it to length (`write: 'in-place'`). */
export function overwriteFile(path: string, bytes: Buffer): void {
  const fd = openSync(path, constants.O_WRONLY | constants.O_NOFOLLOW);
  try {
    writeAll(fd, bytes);
    ftruncateSync(fd, bytes.length);
  } finally {
    closeSync(fd);
  }
}
