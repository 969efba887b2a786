/**
 * Core's answers on the server, held until the next cycle writes them into
 * the entries they answer. Streams wait (core's backpressure) while too
 * much is queued here or lies unread in the file.
 */
import type { ResponseFields } from '@interoffice/core';
import type { SharedDoc } from './document.js';
import { toJson } from './json.js';
import { RawObject } from './raw-object.js';
import { writeAnswers, type EntryWrites } from './response-entry.js';

export class Outbox {
  #queued = new Map<string, EntryWrites>();
  #bytes = 0;
  /** Bytes of stream entries in the file that their callers have not read yet. */
  #unread = 0;
  /** Entries whose calls are streaming: their unread items count against the limit. */
  readonly #streams = new Set<string>();

  constructor(private readonly maxBufferedBytes: number) {}

  /** True when streams should wait for the callers to catch up. */
  get full(): boolean {
    return this.#bytes + this.#unread >= this.maxBufferedBytes;
  }

  /** JSON text for list `member` of entry `key`: a stream item (`items`) or a `frame` entry's reply (`replies`). */
  add(key: string, member: EntryWrites['member'], json: string, itemId?: string): void {
    const q = this.#entry(key, member);
    q.texts.push(json);
    if (itemId !== undefined) q.ids.push(toJson(itemId));
    this.#streams.add(key);
    this.#bytes += json.length;
  }

  /** The end of entry `key`'s call: its answer, or `true` when none is due. */
  finish(key: string, member: EntryWrites['member'], final: ResponseFields | true): void {
    this.#entry(key, member).final = final;
    this.#streams.delete(key);
  }

  /** Entry `key` is gone: its items no longer count as unread. */
  forget(key: string): void {
    this.#streams.delete(key);
  }

  /** Write everything queued into the entries it answers (an entry that is gone gets nothing); how many calls ended. */
  writeTo(doc: SharedDoc, now: number): number {
    const queued = this.#queued;
    this.#queued = new Map();
    this.#bytes = 0;
    let ended = 0;
    for (const [key, writes] of queued) {
      const text = doc.commands.text(key);
      if (text === undefined) continue;
      const entry = RawObject.parse(text, 0);
      writeAnswers(entry, writes, now);
      doc.commands.setText(key, entry.toText());
      if (writes.final !== undefined) ended++;
    }
    this.#unread = 0;
    for (const key of this.#streams) this.#unread += doc.commands.text(key)?.length ?? 0;
    return ended;
  }

  #entry(key: string, member: EntryWrites['member']): EntryWrites {
    let q = this.#queued.get(key);
    if (q === undefined) this.#queued.set(key, (q = { member, texts: [], ids: [], final: undefined }));
    return q;
  }
}
