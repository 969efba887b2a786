/**
 * One program's handle on the shared file: a cycle that takes the lock,
 * reads the document, lets its owner (a client connection or the server)
 * reconcile it, writes it back if anything changed, and lets go — all
 * synchronously, so the lock is held for microseconds and never across an
 * await. Cycles are coalesced: many frames sent in one turn of the event
 * loop cost one cycle.
 */
import type { Logger } from '@interoffice/core';
import type { FileAddress } from './address.js';
import type { SharedDoc } from './document.js';
import { removeLeftovers } from './file-io.js';
import { FileView, type FileState } from './file-view.js';
import { LockFile, lockBackoff } from './lock.js';
import { ChangeWatcher } from './watch.js';

export interface FileOwner {
  /**
   * Under the lock: act on the file as it is. Changes made to `state.doc`
   * are written back; for a missing or corrupt file, return the document to write.
   */
  reconcile(state: FileState, file: SharedFile): SharedDoc | undefined;
  /** After the lock is released: deliver what the cycle found. */
  settled(): void;
  /**
   * A change event or a poll came round; `changed()` says whether the file
   * now differs from what this program last read or wrote (it reads the file,
   * without the lock: ask only when it matters).
   */
  wake(changed: () => boolean): void;
  /** A cycle failed (an I/O error); the lock was released. */
  failed(error: Error): void;
}

export interface SharedFileOptions {
  readonly watch: boolean;
  readonly pollMs: number;
  readonly write: 'rename' | 'in-place';
  readonly logger: Logger;
}

const LONG_WAIT_MS = 5000;

export class SharedFile {
  readonly #lock: LockFile;
  readonly #watcher: ChangeWatcher;
  readonly #view: FileView;
  #scheduled = false;
  #running = false;
  #again = false;
  #waitingSince = 0;
  #warned = false;
  #closed = false;
  #tidy = false;
  #waiters: (() => void)[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly address: FileAddress,
    private readonly owner: FileOwner,
    private readonly options: SharedFileOptions,
  ) {
    this.#lock = new LockFile(address.lockPath);
    this.#view = new FileView(address, options.write);
    this.#watcher = new ChangeWatcher(address, options, () => owner.wake(() => this.#view.changed()));
  }

  /** Run a cycle soon; requests made meanwhile share it. */
  request(): void {
    if (this.#closed) return;
    if (this.#running) this.#again = true;
    else if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#run);
    }
  }

  /** Resolves after the next cycle (or after `ms`, if the lock cannot be had by then). */
  flush(ms = 2000): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
      this.request();
    });
  }

  /** During a cycle only: move the corrupt file aside; returns the name it was kept under. */
  setAside(): string {
    return this.#view.setAside();
  }

  /**
   * The last cycle: run it, tidy up, let go. It does not create a lock file
   * that is gone: whoever removed it is removing the folder (or it is the
   * seed's Alice leaving), and the cycle would only leave a file behind.
   */
  async finish(): Promise<void> {
    this.#tidy = true;
    this.#lock.create = false;
    this.#watcher.close();
    await this.flush();
    this.close();
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#watcher.close();
    this.#lock.close();
    for (const w of this.#waiters.splice(0)) w();
  }

  readonly #run = (): void => {
    this.#scheduled = false;
    if (this.#closed) return;
    let locked: boolean;
    try {
      // The first time, give a holder that is finishing its write a moment; later, one try per retry.
      locked = this.#waitingSince === 0 ? this.#lock.tryLockWithin(1) : this.#lock.tryLock();
    } catch (e) {
      return this.#fail(e as Error); // the lock file cannot be opened (no folder, no permission)
    }
    if (!locked) return this.#retry();
    this.#waitingSince = 0;
    this.#warned = false;
    const waiters = this.#waiters;
    this.#waiters = [];
    this.#running = true;
    let error: Error | undefined;
    try {
      this.#cycle();
      if (this.#tidy) removeLeftovers(this.address.path);
    } catch (e) {
      error = e as Error;
      this.#view.forget();
    } finally {
      this.#lock.unlock();
      this.#running = false;
    }
    if (error !== undefined) this.owner.failed(error);
    this.#settle();
    for (const w of waiters) w();
    if (this.#again) {
      this.#again = false;
      this.request();
    }
  };

  #cycle(): void {
    const state = this.#view.read();
    const before = state.kind === 'doc' ? state.doc.mutations : 0;
    const replacement = this.owner.reconcile(state, this);
    const doc = replacement ?? (state.kind === 'doc' && state.doc.mutations !== before ? state.doc : undefined);
    if (doc !== undefined) this.#view.write(doc);
  }

  #fail(error: Error): void {
    this.#waitingSince = 0;
    if (!this.#tidy) this.owner.failed(error);
    this.#settle();
    for (const w of this.#waiters.splice(0)) w();
  }

  #settle(): void {
    try {
      this.owner.settled();
    } catch (e) {
      this.options.logger.error(`delivering what ${this.address.path} held failed`, e);
    }
  }

  #retry(): void {
    const now = performance.now();
    if (this.#waitingSince === 0) this.#waitingSince = now;
    else if (!this.#warned && now - this.#waitingSince > LONG_WAIT_MS) {
      this.#warned = true;
      this.options.logger.warn(
        `waiting for ${this.address.lockPath}: another program has held it for over ${LONG_WAIT_MS / 1000} s`,
      );
    }
    this.#scheduled = true;
    this.#timer = setTimeout(this.#run, lockBackoff(now - this.#waitingSince));
  }
}

export type { FileState } from './file-view.js';
