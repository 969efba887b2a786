/**
 * What a worker does with each entry it takes: hand it to core as a
 * delivery — with the time it waited in the queue, on Redis's clock — or,
 * for an entry taken over from a worker that stopped, answer it from the
 * stored response when its first run had finished; and carry core's
 * answers back: items pushed, final answers committed, abandoned entries
 * left pending.
 */
import { FRAME_HEAD_BYTES, RpcError, type MessageServer } from '@interoffice/core';
import { entryTime, type RedisClock } from './clock.js';
import type { RedisClient } from './connector.js';
import { Commits } from './commits.js';
import { RedisDelivery, type DeliveryContext } from './delivery.js';
import { CLIENT_ID, GROUP, type Keys } from './keys.js';
import type { ResolvedOptions } from './options.js';
import { ReplyPressure } from './pressure.js';
import { PUSH, RESUME } from './scripts.js';
import type { StreamEntry } from './stream-replies.js';

export interface IntakeSetup {
  readonly cmd: RedisClient;
  readonly keys: Keys;
  readonly options: ResolvedOptions;
  readonly clock: RedisClock;
  /** Core's side of the server. */
  readonly server: MessageServer;
  /** An entry was committed or given back: a slot is free. */
  freed(): void;
  /** The worker is closing: take nothing more. */
  closing(): boolean;
  /** The worker has closed its connections: commit nothing more. */
  closed(): boolean;
}

export class Intake implements DeliveryContext {
  readonly #s: IntakeSetup;
  /** Entries taken and not yet committed or given back, by entry id. */
  readonly #inflight = new Map<string, RedisDelivery>();
  readonly #commits: Commits;
  readonly #pressure = new Map<string, ReplyPressure>();
  #empty: (() => void) | undefined;

  constructor(setup: IntakeSetup) {
    this.#s = setup;
    this.#commits = new Commits(setup.cmd, setup.keys, setup.options);
  }

  get size(): number {
    return this.#inflight.size;
  }

  get resultTtlMs(): number {
    return this.#s.options.resultTtlMs;
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
    for (const e of entries) this.take(e);
  }

  /** A new entry from the stream (or one taken over with no result stored). */
  take(e: StreamEntry): void {
    if (this.#inflight.has(e.id) || this.#s.closing()) return; // already ours / given back on close
    const delivery = this.#delivery(e);
    if (delivery === undefined) return;
    this.#s.server.deliver(delivery);
  }

  /** An entry taken over from a worker that stopped answering. */
  async resume(e: StreamEntry): Promise<void> {
    if (this.#inflight.has(e.id) || e.client === undefined || !CLIENT_ID.test(e.client)) return this.take(e);
    const { cmd, keys, options } = this.#s;
    const state = await RESUME.run(
      cmd,
      [keys.requests, keys.replies(e.client), keys.done(e.id), keys.started(e.id)],
      [GROUP, e.id, options.replyTtlMs],
    );
    if (state === 1) return; // its first run had finished: the stored response was sent again
    if (state === 2) {
      // A stream that had sent items: running it again would repeat them.
      const why = 'the worker running this stream stopped after sending items; it is not run again, so that no item repeats';
      const delivery = this.#delivery(e);
      if (delivery !== undefined) this.#s.server.refuse(delivery, new RpcError('UNAVAILABLE', why));
      return;
    }
    this.take(e);
  }

  /** Resolves when every commit so far is confirmed (or failed). */
  flushed(): Promise<void> {
    return this.#commits.flushed();
  }

  /** Resolves once every entry taken is committed or given back (core ends or abandons each). */
  settled(): Promise<void> {
    if (this.#inflight.size === 0) return Promise.resolve();
    return new Promise((resolve) => (this.#empty = resolve));
  }

  /** Stop holding back streams (the worker closes). */
  forget(): void {
    for (const p of this.#pressure.values()) p.forget();
    this.#pressure.clear();
  }

  // ─── DeliveryContext: core's answers ───

  push(d: RedisDelivery, text: string, n: number, mark: number): boolean {
    const { cmd, keys, options } = this.#s;
    const replies = keys.replies(d.caller);
    let pressure = this.#pressure.get(d.caller);
    if (pressure === undefined) {
      pressure = new ReplyPressure(cmd, replies, () => this.#s.server.drain(d.caller));
      this.#pressure.set(d.caller, pressure);
    }
    const p = pressure;
    PUSH.run(cmd, [replies, keys.started(d.entryId)], [text, options.replyTtlMs, mark, n]).then(
      (length) => this.#confirmed(d.caller, p, length),
      (e: Error) => {
        options.logger.warn(`cannot push a reply to client ${d.caller}: ${e.message}`);
        this.#confirmed(d.caller, p, undefined);
      },
    );
    return p.sent();
  }

  commit(d: RedisDelivery, text: string, keep: number): void {
    if (!this.#s.closed()) this.#commits.add(d.entryId, d.caller, text, keep);
    this.#forget(d);
  }

  release(d: RedisDelivery): void {
    this.#forget(d);
  }

  /** A delivery for entry `e`, registered as taken; undefined when the entry names no valid client (it is acknowledged). */
  #delivery(e: StreamEntry): RedisDelivery | undefined {
    const { options, clock } = this.#s;
    if (e.client === undefined || !CLIENT_ID.test(e.client)) {
      options.logger.warn(`request entry ${e.id} dropped: it names no valid client id (field c)`);
      this.#commits.add(e.id, undefined, '', 0);
      return undefined;
    }
    const raw = e.frame ?? '';
    const max = options.maxFrameBytes;
    const bytes = raw.length * 3 > max ? Buffer.byteLength(raw) : 0;
    const tooLarge = bytes > max ? bytes : undefined;
    const body = tooLarge === undefined ? raw : raw.slice(0, FRAME_HEAD_BYTES);
    const d = new RedisDelivery(e.id, e.client, body, Math.max(0, clock.now() - entryTime(e.id)), tooLarge, this);
    this.#inflight.set(e.id, d);
    return d;
  }

  #forget(d: RedisDelivery): void {
    if (this.#inflight.get(d.entryId) !== d) return;
    this.#inflight.delete(d.entryId);
    this.#s.freed();
    if (this.#inflight.size === 0) this.#empty?.();
  }

  #confirmed(client: string, pressure: ReplyPressure, length: unknown): void {
    pressure.confirmed(length);
    if (pressure.idle && this.#pressure.get(client) === pressure) this.#pressure.delete(client);
  }
}
