/**
 * A worker's commits, batched: the entries answered in one tick — one
 * XREADGROUP batch of synchronous calls, say — are stored, pushed,
 * acknowledged and deleted by one COMMIT script run, in the order answered.
 * A lone answer goes out at the end of its microtask queue, so a single call
 * waits for no timer; while a burst is on, until the end of the event loop turn.
 */
import type { RedisClient } from './connector.js';
import { GROUP, type Keys } from './keys.js';
import type { ResolvedOptions } from './options.js';
import { COMMIT } from './scripts.js';

/** Entries per COMMIT run at most. */
const MAX_BATCH = 128;

interface Pending {
  readonly entryId: string;
  readonly client: string | undefined;
  readonly frame: string;
  readonly keep: number;
}

export class Commits {
  readonly #cmd: RedisClient;
  readonly #keys: Keys;
  readonly #options: ResolvedOptions;
  #queued: Pending[] = [];
  #scheduled = false;
  /** A read brought several entries: their answers are likely to come in the same turn. */
  burst = false;
  readonly #running = new Set<Promise<void>>();

  constructor(cmd: RedisClient, keys: Keys, options: ResolvedOptions) {
    this.#cmd = cmd;
    this.#keys = keys;
    this.#options = options;
  }

  /** Commit entry `entryId` of `client` with `frame` (`''`: acknowledge only), keeping it `keep` ms. */
  add(entryId: string, client: string | undefined, frame: string, keep: number): void {
    this.#queued.push({ entryId, client, frame, keep });
    if (this.#scheduled) return;
    this.#scheduled = true;
    if (this.burst) setImmediate(this.#flush);
    else queueMicrotask(this.#flush);
  }

  /** Resolves when every commit so far is confirmed (or failed). */
  async flushed(): Promise<void> {
    this.#flush();
    await Promise.all([...this.#running]);
  }

  readonly #flush = (): void => {
    this.#scheduled = false;
    this.burst = false;
    const all = this.#queued;
    this.#queued = [];
    for (let i = 0; i < all.length; i += MAX_BATCH) this.#run(all.slice(i, i + MAX_BATCH));
  };

  #run(batch: Pending[]): void {
    const k = this.#keys;
    const keys = [k.requests];
    const args: (string | number)[] = [GROUP, this.#options.replyTtlMs];
    for (const p of batch) {
      // An entry without a (valid) client has no reply list: any key of the slot will do, unused.
      keys.push(
        p.client === undefined ? k.requests : k.replies(p.client),
        p.client === undefined ? k.requests : k.done(p.entryId),
      );
      args.push(p.entryId, p.frame, p.keep);
    }
    const run: Promise<void> = COMMIT.run(this.#cmd, keys, args).then(
      () => void this.#running.delete(run),
      (e: Error) => {
        this.#running.delete(run);
        this.#options.logger.warn(`cannot commit request entries ${batch.map((p) => p.entryId).join(', ')}: ${e.message}`);
      },
    );
    this.#running.add(run);
  }
}
