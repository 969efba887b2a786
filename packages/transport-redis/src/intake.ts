/**
 * What a worker does with each entry it takes: check it, age its deadline
 * by the time it queued, hand it to its caller's connection — or, for an
 * entry taken over from a worker that stopped, answer it from the stored
 * response when its first run had finished — and commit it once answered.
 */
import { encodeError, RpcError } from '@interoffice/core';
import type { CallerConnection } from './caller-connection.js';
import { entryTime, type RedisClock } from './clock.js';
import type { RedisClient } from './connector.js';
import type { RecentControl } from './control.js';
import { keepFor, newEntry, type Entry } from './entry.js';
import { aged, callIds, idKey } from './frames.js';
import { CLIENT_ID, GROUP, type Keys } from './keys.js';
import type { ResolvedOptions } from './options.js';
import { RESUME } from './scripts.js';
import { Commits } from './commits.js';
import type { StreamEntry } from './stream-replies.js';

export interface IntakeSetup {
  readonly cmd: RedisClient;
  readonly keys: Keys;
  readonly options: ResolvedOptions;
  readonly clock: RedisClock;
  readonly recent: RecentControl;
  /** The connection of `client` on this worker (made on its first request). */
  caller(client: string): CallerConnection;
  /** An entry was committed: a slot is free. */
  freed(): void;
  /** The worker is closing: take nothing more. */
  closing(): boolean;
  /** The worker has closed its connections: commit nothing more. */
  closed(): boolean;
}

/** How long past its deadline an entry may stay unanswered before it is given up (a safety net). */
const STUCK_MS = 10_000;

export class Intake {
  readonly #s: IntakeSetup;
  /** Entries taken and not yet committed, by entry id. */
  readonly #inflight = new Map<string, Entry>();
  readonly #commits: Commits;

  constructor(setup: IntakeSetup) {
    this.#s = setup;
    this.#commits = new Commits(setup.cmd, setup.keys, setup.options);
  }

  get size(): number {
    return this.#inflight.size;
  }

  entryIds(): string[] {
    return [...this.#inflight.keys()];
  }

  /** Create the consumer group (reading from the stream's start: requests queued before any worker count). */
  async ensureGroup(): Promise<void> {
    await this.#s.cmd.call('XGROUP', 'CREATE', this.#s.keys.requests, GROUP, '0', 'MKSTREAM').catch((e: Error) => {
      if (!e.message.startsWith('BUSYGROUP')) throw e;
    });
  }

  /** Entries from one read: several at once mean a burst, whose answers are committed together. */
  takeAll(entries: readonly StreamEntry[]): void {
    if (entries.length > 1) this.#commits.burst = true;
    for (const e of entries) {
      try {
        this.take(e);
      } catch (err) {
        // Not expected (the server answers what it cannot serve); the entry comes back after the visibility timeout.
        this.#s.options.logger.error(`request entry ${e.id} could not be delivered`, err);
      }
    }
  }

  /** A new entry from the stream (or one taken over with no result stored). */
  take(e: StreamEntry): void {
    const { options, clock, recent } = this.#s;
    if (this.#inflight.has(e.id) || this.#s.closing()) return; // already ours / given back on close
    if (e.client === undefined || !CLIENT_ID.test(e.client)) {
      options.logger.warn(`request entry ${e.id} dropped: it names no valid client id (field c)`);
      return this.#ack(e.id);
    }
    const client = e.client;
    if (recent.closed(client)) return this.#ack(e.id); // its client is gone
    const raw = e.frame ?? '';
    const max = options.maxFrameBytes;
    const bytes = raw.length * 3 > max ? Buffer.byteLength(raw) : 0;
    const oversized = bytes > max ? bytes : 0;
    const { frame, remaining } = oversized > 0 ? { frame: raw, remaining: undefined } : aged(raw, clock.now() - entryTime(e.id));
    const entry = newEntry(e.id, client, remaining);
    this.#inflight.set(e.id, entry);
    const ids = oversized > 0 ? [] : callIds(frame);
    // Cancelled while it queued: answered so, and never run.
    const cancelled = ids.filter((id) => recent.cancelled(client, idKey(id)));
    if (ids.length === 1 && cancelled.length === 1) {
      return this.commit(entry, encodeError(ids[0] ?? null, new RpcError('CANCELLED', 'cancelled by the caller before it ran')));
    }
    const caller = this.#s.caller(client);
    caller.deliver(entry, frame, ids, oversized);
    if (!entry.settled) for (const id of cancelled) caller.cancel(idKey(id));
  }

  /** An entry taken over from a worker that stopped answering. */
  async resume(e: StreamEntry): Promise<void> {
    if (this.#inflight.has(e.id) || e.client === undefined || !CLIENT_ID.test(e.client)) return this.take(e);
    const { cmd, keys, options } = this.#s;
    const state = await RESUME.run(cmd, [keys.requests, keys.replies(e.client), keys.done(e.id), keys.started(e.id)], [
      GROUP,
      e.id,
      options.replyTtlMs,
    ]);
    if (state === 1) return; // its first run had finished: the stored response was sent again
    if (state === 2) {
      // A stream that had sent items: running it again would repeat them.
      const why = 'the worker running this stream stopped after sending items; it is not run again, so that no item repeats';
      const ids = callIds(e.frame ?? '');
      const frame = ids.length === 1 ? encodeError(ids[0] ?? null, new RpcError('UNAVAILABLE', why)) : '';
      return this.commit(newEntry(e.id, e.client, undefined), frame);
    }
    this.take(e);
  }

  /** Store, push and acknowledge `entry`'s final response (`''`: just acknowledge). */
  commit(entry: Entry, frame: string): void {
    entry.settled = true;
    if (!this.#s.closed()) {
      this.#commits.add(entry.entryId, entry.client, frame, frame === '' ? 0 : keepFor(entry, this.#s.options.resultTtlMs));
    }
    if (this.#inflight.get(entry.entryId) === entry) {
      this.#inflight.delete(entry.entryId);
      this.#s.freed();
    }
  }

  /** Resolves when every commit so far is confirmed (or failed). */
  flushed(): Promise<void> {
    return this.#commits.flushed();
  }

  /** Give up entries long past their deadline that were never answered, so they cannot hold a slot forever. */
  expireStuck(): void {
    const limit = Date.now() - STUCK_MS;
    for (const entry of this.#inflight.values()) {
      if (entry.deadline > limit || entry.settled) continue;
      this.#s.options.logger.warn(`request entry ${entry.entryId} was never answered; acknowledged without a response`);
      this.#s.caller(entry.client).abandon(entry);
    }
  }

  #ack(entryId: string): void {
    this.#commits.add(entryId, undefined, '', 0);
  }
}
