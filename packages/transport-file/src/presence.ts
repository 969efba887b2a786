/**
 * Whether an Interoffice server is serving a file: it holds an exclusive
 * flock on `<file>.server.lock` for as long as it serves. The kernel drops
 * the lock when the server exits, however it exits, so clients learn of a
 * crash at once instead of at their deadlines, and a second server cannot
 * start on a file that is already served.
 *
 * The seed's programs know nothing of this lock; a file without it is served,
 * if at all, by a program we cannot see (see status.ts).
 */
import { closeSync, ftruncateSync, readFileSync, writeSync } from 'node:fs';
import { tryFlock } from '@interoffice/native';
import { lockBackoff, lockCurrent, type LockHandle } from './lock.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The server's hold on the presence lock. */
export class Presence {
  private constructor(readonly fd: number) {}

  /**
   * Take the presence lock, retrying briefly (clients probe it for an
   * instant); throws when another server holds it.
   */
  static async hold(path: string, what: string): Promise<Presence> {
    let handle: LockHandle | undefined;
    const started = performance.now();
    while (performance.now() - started < 250) {
      const held = handle;
      handle = undefined; // lockCurrent may close it
      const r = lockCurrent(path, held, 'exclusive', true);
      handle = r.handle;
      if (r.locked && handle !== undefined) {
        const fd = handle.fd;
        // For whoever looks: the pid of the server holding it.
        ftruncateSync(fd, 0);
        writeSync(fd, `${process.pid}\n`, 0);
        return new Presence(fd);
      }
      await sleep(lockBackoff(performance.now() - started));
    }
    if (handle !== undefined) closeSync(handle.fd);
    let pid = '';
    try {
      pid = readFileSync(path, 'utf8').trim();
    } catch {
      // only for the message
    }
    throw new Error(`another server is serving ${what}${pid === '' ? '' : ` (pid ${pid})`}`);
  }

  /** Stop serving: the lock is released (the file stays, see lock.ts). */
  release(): void {
    tryFlock(this.fd, 'unlock');
    closeSync(this.fd);
  }
}

/** A client's view of the presence lock. */
export class PresenceProbe {
  #handle: LockHandle | undefined;

  constructor(readonly path: string) {}

  /** True while an Interoffice server holds the lock. */
  served(): boolean {
    let r: { handle: LockHandle | undefined; locked: boolean };
    const held = this.#handle;
    this.#handle = undefined; // lockCurrent may close it
    try {
      r = lockCurrent(this.path, held, 'shared', false);
    } catch {
      return false; // no presence file: no Interoffice server has served here
    }
    this.#handle = r.handle;
    if (!r.locked || r.handle === undefined) return true;
    tryFlock(r.handle.fd, 'unlock');
    return false;
  }

  close(): void {
    if (this.#handle !== undefined) closeSync(this.#handle.fd);
    this.#handle = undefined;
  }
}
