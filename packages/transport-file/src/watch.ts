/**
 * Wakes its owner when the shared file may have changed: inotify (through
 * `fs.watch` on the folder, so a file replaced by rename stays watched), and
 * a poll as the fallback — for missed events, and for network filesystems,
 * where other hosts' writes raise no local events.
 */
import { watch, type FSWatcher } from 'node:fs';
import type { Logger } from '@interoffice/core';
import type { FileAddress } from './address.js';

export interface WatchOptions {
  /** Use change events (true); false leaves only the poll. */
  readonly watch: boolean;
  /** Milliseconds between polls. */
  readonly pollMs: number;
  readonly logger: Logger;
}

export class ChangeWatcher {
  #watcher: FSWatcher | undefined;
  readonly #timer: ReturnType<typeof setInterval>;
  #pending = false;
  #closed = false;

  /** `check` runs at most once per turn of the event loop, however many events arrive. */
  constructor(
    address: FileAddress,
    options: WatchOptions,
    private readonly check: () => void,
  ) {
    const wake = (): void => {
      if (this.#pending || this.#closed) return;
      this.#pending = true;
      setImmediate(() => {
        this.#pending = false;
        if (!this.#closed) this.check();
      });
    };
    if (options.watch) {
      const fallBack = (e: Error): void => {
        options.logger.warn(`cannot watch ${address.dir} (${e.message}); polling ${address.name} every ${options.pollMs} ms`);
        this.#watcher?.close();
        this.#watcher = undefined;
      };
      try {
        this.#watcher = watch(address.dir, { persistent: true }, (_event, name) => {
          if (name === null || name === address.name) wake();
        });
        this.#watcher.on('error', fallBack);
      } catch (e) {
        fallBack(e as Error);
      }
    }
    this.#timer = setInterval(wake, options.pollMs);
  }

  close(): void {
    this.#closed = true;
    this.#watcher?.close();
    clearInterval(this.#timer);
  }
}
