/**
 * A client connection's entries in the shared file: written with the next
 * cycle, read back for their answers, then removed. Removing an answered
 * entry waits for the next write (the owner forces one after a while), so
 * reading an answer costs no write of its own — and no wake-up of the
 * server. A withdrawn entry (cancel, deadline) goes with the very next
 * cycle: that is how the server learns to stop the call.
 */
import { randomUUID } from 'node:crypto';
import { DEFAULT_WINDOWS, type MessageHandler, type OutgoingRequest, type RequestId } from '@interoffice/core';
import type { SharedDoc } from './document.js';
import { isObject, RawObject } from './raw-object.js';
import { requestEntry } from './request-entry.js';
import { answerBytes, isAnswered, repliesOf, responsesOf } from './response-entry.js';

interface Pending {
  /** The caller's id; undefined for a `frame` entry (its replies carry their own ids). */
  readonly id: RequestId | undefined;
  /** When it was written to the file; 0 while queued. */
  writtenAt: number;
  /** Answers handed to core that the caller has not taken ({@link ClientCalls.taken}). */
  ahead: number;
}

/**
 * How far a stream's reading may run ahead of the caller: core's item window. Further on, a
 * running stream's items stay in the file, where they count against the server's buffer
 * (`maxBufferedBytes`), which then holds the stream: the medium's backpressure, as no credit travels.
 */
const WINDOW = DEFAULT_WINDOWS.items;

/** What a cycle found gone. */
export interface Lost {
  readonly count: number;
  /** When the earliest of them was written. */
  readonly since: number;
}

/** A call id as a map key: 7 and "7" differ. */
const idKey = (id: RequestId): string => (typeof id === 'string' ? `s${id}` : String(id));

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
    private readonly handler: MessageHandler,
    private readonly maxFrameBytes: number,
    private readonly client: string,
  ) {}

  /** Calls waiting for answers. */
  get waiting(): number {
    return this.#pending.size;
  }

  /** Answered entries not yet removed. */
  get leftovers(): number {
    return this.#answered.size;
  }

  /** Queue an entry for `request`: its members when it is one request, else (a batch, a raw frame) its text. */
  add(request: OutgoingRequest): void {
    const key = randomUUID();
    const fields = request.fields;
    if (fields === undefined) {
      this.#queued.set(key, { frame: request.text, client: this.client });
      this.#pending.set(key, { id: undefined, writtenAt: 0, ahead: 0 });
      return;
    }
    this.#queued.set(key, requestEntry(fields, this.client));
    if (!('id' in fields)) return; // a notification: nothing comes back
    const id = fields.id as RequestId;
    this.#pending.set(key, { id, writtenAt: 0, ahead: 0 });
    this.#byId.set(idKey(id), key);
  }

  /** The caller took `n` items of stream `id`; true when its reading was held and may go on. */
  taken(id: RequestId, n: number): boolean {
    const key = this.#byId.get(idKey(id));
    const p = key === undefined ? undefined : this.#pending.get(key);
    if (p === undefined) return false;
    const held = p.ahead >= WINDOW;
    p.ahead -= n;
    return held && p.ahead < WINDOW;
  }

  /** The caller gave up on call `id`: its entry is withdrawn. */
  withdraw(id: RequestId): void {
    const key = this.#byId.get(idKey(id));
    if (key === undefined) return;
    this.#byId.delete(idKey(id));
    this.#pending.delete(key);
    if (!this.#queued.delete(key)) this.#withdrawn.add(key);
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
    const text = doc.commands.text(key) as string;
    if (p.id === undefined) {
      const replies = repliesOf(text);
      for (const reply of replies) deliveries.push(() => this.handler.response(reply));
      if (typeof value.answeredAt === 'number') this.#done(key, p);
      else if (replies.length > 0) this.#consume(doc, key, 'replies');
      return true;
    }
    const id = p.id;
    const bytes = isAnswered(value) ? answerBytes(text, this.maxFrameBytes) : 0;
    if (bytes > this.maxFrameBytes) {
      deliveries.push(() => this.handler.oversized(bytes, { id }));
      this.#done(key, p);
      return true;
    }
    const answered = isAnswered(value);
    if (!answered && p.ahead >= WINDOW) return true; // the caller is behind: its items wait in the file
    const responses = responsesOf(id, value);
    for (const r of responses) deliveries.push(() => this.handler.response(r));
    p.ahead += responses.length;
    if (answered) this.#done(key, p);
    else if (responses.length > 0) this.#consume(doc, key, 'items');
    return true;
  }

  /** The call is over: forget it, and remove its entry with the next write. */
  #done(key: string, p: Pending): void {
    this.#pending.delete(key);
    if (p.id !== undefined) this.#byId.delete(idKey(p.id));
    this.#answered.add(key);
  }

  /** Remove what was just read from a still-open entry, so it is neither read twice nor kept. */
  #consume(doc: SharedDoc, key: string, member: 'items' | 'replies'): void {
    const entry = RawObject.parse(doc.commands.text(key) as string, 0);
    entry.delete(member);
    if (member === 'items') entry.delete('itemIds');
    doc.commands.setText(key, entry.toText());
    this.#consumed = true;
  }
}
