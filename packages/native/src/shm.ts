/**
 * POSIX shared memory segments: files under /dev/shm (what glibc's shm_open
 * opens), mapped into this process as an ArrayBuffer. Created 0600 and
 * published fully initialised, under names that cannot leave /dev/shm.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, ftruncateSync, linkSync, openSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { addon } from './addon.js';
import { isProcessAlive } from './process.js';

/** Where Linux keeps POSIX shared memory objects. */
export const SHM_DIR = '/dev/shm';

/** One file name, no path: letters, digits, `_`, `.`, `-`, not starting with `.` or `-`. */
const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,199}$/;

/** A mapped segment. `close` unmaps it (views of `buffer` become empty) and closes `fd`. */
export interface Segment {
  /** The file name under /dev/shm. */
  readonly name: string;
  readonly path: string;
  /** The shared pages; Atomics work on views of it. */
  readonly buffer: ArrayBuffer;
  /** An open descriptor of the file, e.g. for flock(2). */
  readonly fd: number;
  /** The file's inode: tells this segment from a later one of the same name. */
  readonly ino: number;
  close(): void;
}

/** Throws a TypeError unless `name` is a safe segment name. */
export function checkSegmentName(name: string): void {
  if (!NAME.test(name)) {
    throw new TypeError(
      `invalid shared memory name ${JSON.stringify(name)}: use 1–200 letters, digits, '_', '.' or '-', ` +
        'not starting with "." or "-" (no slashes)',
    );
  }
}

function mapped(name: string, fd: number, bytes: number): Segment {
  const buffer = addon().map(fd, bytes);
  let open = true;
  return {
    name,
    path: join(SHM_DIR, name),
    buffer,
    fd,
    ino: fstatSync(fd).ino,
    close() {
      if (!open) return;
      open = false;
      addon().unmap(buffer);
      closeSync(fd);
    },
  };
}

/**
 * Create segment `name` of `bytes` bytes, mode 0600. `init` fills it in before
 * anyone can open it: it is built under a private name and then hard-linked to
 * `name`, which fails with code EEXIST (leaving nothing behind) when the name
 * is taken.
 */
export function createSegment(name: string, bytes: number, init: (buffer: ArrayBuffer) => void): Segment {
  checkSegmentName(name);
  const draft = `${name}.new-${process.pid}-${randomBytes(4).toString('hex')}`;
  const draftPath = join(SHM_DIR, draft);
  const fd = openSync(draftPath, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  let segment: Segment | undefined;
  try {
    ftruncateSync(fd, bytes);
    segment = mapped(name, fd, bytes);
    init(segment.buffer);
    linkSync(draftPath, join(SHM_DIR, name));
    return segment;
  } catch (e) {
    if (segment !== undefined) segment.close();
    else closeSync(fd);
    throw e;
  } finally {
    unlinkSync(draftPath);
  }
}

/**
 * Open and map existing segment `name`, whole. Refuses (code EPERM) a segment
 * that is not a regular file owned by this user with no access for others.
 */
export function openSegment(name: string): Segment {
  checkSegmentName(name);
  const path = join(SHM_DIR, name);
  const fd = openSync(path, constants.O_RDWR | constants.O_NOFOLLOW);
  try {
    const st = fstatSync(fd);
    const uid = process.getuid?.();
    if (!st.isFile() || (uid !== undefined && st.uid !== uid) || (st.mode & 0o077) !== 0) {
      const mode = (st.mode & 0o777).toString(8);
      const why = `${path} is not a private segment of this user (mode ${mode}, uid ${st.uid})`;
      throw Object.assign(new Error(why), { code: 'EPERM' });
    }
    if (st.size === 0) throw Object.assign(new Error(`${path} is empty`), { code: 'EINVAL' });
    return mapped(name, fd, st.size);
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/** Remove segment `name` if it is still the file with inode `ino` (when given); true if removed. */
export function removeSegment(name: string, ino?: number): boolean {
  checkSegmentName(name);
  const path = join(SHM_DIR, name);
  try {
    if (ino !== undefined && statSync(path).ino !== ino) return false;
    unlinkSync(path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}

/** Remove drafts of segment `name` left by creators that died before publishing them. */
export function removeDeadDrafts(name: string): void {
  checkSegmentName(name);
  const prefix = `${name}.new-`;
  for (const entry of readdirSync(SHM_DIR)) {
    if (!entry.startsWith(prefix)) continue;
    const pid = Number(entry.slice(prefix.length).split('-')[0]);
    if (Number.isInteger(pid) && pid > 0 && !isProcessAlive(pid)) {
      try {
        unlinkSync(join(SHM_DIR, entry));
      } catch {
        // removed meanwhile by another server
      }
    }
  }
}
