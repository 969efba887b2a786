/**
 * A client connection's entries in the shared file: written with the next
 * cycle, read back for their answers, then removed. Removing an answered
 * entry waits for the next write (the owner forces one after a while), so
 * reading an answer costs no write of its own — and no wake-up of the
 * server. A withdrawn entry (cancel, deadline) goes with the very next
 * cycle: that is how the server learns to stop the call.
 */
import { randomUUID } from 'node:crypto';
import type { FrameHandler, Id } from '@interoffice/core';
import type { SharedDoc } from './document.js';
import { isObject, RawObject } from './raw-object.js';
import type { Outgoing } from './request-entry.js';
import { answerBytes, answerFrames, isAnswered, isFinalReply } from './response-entry.js';

interface Pending {
  /** The caller's id; null for a `frame` entry (its replies carry their own ids). */
  readonly id: Id;
  readonly frame: boolean;
  /** When it was written to the file; 0 while queued. */
  writtenAt: number;
}

/** What a cycle found gone. */
export interface Lost {
  readonly count: number;
  /** When the earliest of them was written. */
  readonly since: number;
}

export class ClientCalls {
  readonly #queued = new Map<string, Record<string, unknown>>();
  readonly #pending = new Map<string, Pending>();
  readonly #byId = new Map<string, string>();
  /** Answered entries, removed with the next write. */
  readonly #answered = new Set<string>();
  /** Withdrawn entries, removed with the next cycle. */
  readonly #withdrawn = new Set<string>();
  #consumed = false;

  constructor(
    private readonly handler: FrameHandler,
    private readonly maxFrameBytes: number,
  ) {}

  /** Calls waiting for answers. */
  get waiting(): number {
    return this.#pending.size;
  }

  /** Answered entries not yet removed. */
  get leftovers(): number {
    return this.#answered.size;
  }

  add(out: Outgoing): void {
    if (out.kind === 'cancel') return this.#withdraw(out.id);
    const key = randomUUID();
    this.#queued.set(key, out.entry);
    if (out.kind === 'call') {
      this.#pending.set(key, { id: out.id, frame: false, writtenAt: 0 });
      this.#byId.set(JSON.stringify(out.id), key);
    } else if (out.kind === 'frame') {
      this.#pending.set(key, { id: null, frame: true, writtenAt: 0 });
    }
  }

  /**
   * Under the lock: read the answers of the entries written before (pushing
   * their deliveries), remove what is done, write what is queued. `tidy`
   * removes answered entries even when nothing else is written.
   */
  sync(doc: SharedDoc, deliveries: (() => void)[], tidy: boolean): Lost | undefined {
    let count = 0;
    let since = Infinity;
    for (const [key, p] of this.#pending) {
      if (p.writtenAt !== 0 && !this.#read(doc, key, p, deliveries)) {
        count++;
        since = Math.min(since, p.writtenAt);
      }
    }
    if (tidy || this.#queued.size > 0 || this.#withdrawn.size > 0 || this.#consumed) this.remove(doc);
    this.#consumed = false;
    const now = Date.now();
    for (const [key, entry] of this.#queued) {
      doc.commands.set(key, entry);
      const p = this.#pending.get(key);
      if (p !== undefined) p.writtenAt = now;
    }
    this.#queued.clear();
    return count === 0 ? undefined : { count, since };
  }

  /** Remove the answered and withdrawn entries from `doc`. */
  remove(doc: SharedDoc): void {
    for (const key of this.#answered) doc.commands.delete(key);
    for (const key of this.#withdrawn) doc.commands.delete(key);
    this.#answered.clear();
    this.#withdrawn.clear();
  }

  /** Give up every call: their entries go with the next cycle. */
  withdrawAll(): void {
    for (const [key, p] of this.#pending) if (p.writtenAt !== 0) this.#withdrawn.add(key);
    this.#pending.clear();
    this.#queued.clear();
    this.#byId.clear();
  }

  /** Read entry `key`'s answers for call `p`; false when the entry is gone. */
  #read(doc: SharedDoc, key: string, p: Pending, deliveries: (() => void)[]): boolean {
    const value = doc.commands.value(key);
    if (!isObject(value)) return false;
    if (p.frame) {
      const replies = Array.isArray(value.replies) ? value.replies : [];
      for (const reply of replies) deliveries.push(() => this.handler.frame(JSON.stringify(reply)));
      if (replies.some(isFinalReply)) this.#done(key, p);
      else if (replies.length > 0) this.#consume(doc, key, 'replies');
      return true;
    }
    const bytes = isAnswered(value) ? answerBytes(doc.commands.text(key) as string, this.maxFrameBytes) : 0;
    if (bytes > this.maxFrameBytes) {
      const head = `{"jsonrpc":"2.0","id":${JSON.stringify(p.id)},"result":`;
      deliveries.push(() => this.handler.oversized(head, bytes));
      this.#done(key, p);
      return true;
    }
    const frames = answerFrames(p.id, value);
    for (const frame of frames) deliveries.push(() => this.handler.frame(frame));
    if (isAnswered(value)) this.#done(key, p);
    else if (frames.length > 0) this.#consume(doc, key, 'items');
    return true;
  }

  /** The call is over: forget it, and remove its entry with the next write. */
  #done(key: string, p: Pending): void {
    this.#pending.delete(key);
    if (!p.frame) this.#byId.delete(JSON.stringify(p.id));
    this.#answered.add(key);
  }

  /** Remove what was just read from a still-open entry, so it is neither read twice nor kept. */
  #consume(doc: SharedDoc, key: string, member: 'items' | 'replies'): void {
    const entry = RawObject.parse(doc.commands.text(key) as string, 0);
    entry.delete(member);
    doc.commands.setText(key, entry.toText());
    this.#consumed = true;
  }

  /** The caller gave up on call `id`. */
  #withdraw(id: unknown): void {
    const key = this.#byId.get(JSON.stringify(id));
    if (key === undefined) return;
    this.#byId.delete(JSON.stringify(id));
    this.#pending.delete(key);
    if (!this.#queued.delete(key)) this.#withdrawn.add(key);
  }
}
