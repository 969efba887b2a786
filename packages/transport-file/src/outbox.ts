/**
 * What core sends back on the server's virtual connections, held until the
 * next cycle writes it into the entries it answers. Streams wait (core's
 * backpressure) while too much is queued here or lies unread in the file.
 */
import type { Logger, ResponseMessage } from '@interoffice/core';
import type { SharedDoc } from './document.js';
import { isObject, RawObject } from './raw-object.js';
import { answerEntry, isFinalReply, replyToEntry } from './response-entry.js';

/** What a write of the outbox ended. */
export interface Written {
  /** Calls answered (or whose entries are gone). */
  readonly ended: string[];
  /** `frame` entries that got their final reply. */
  readonly replied: string[];
}

export class Outbox {
  #answers = new Map<string, ResponseMessage[]>();
  #replies = new Map<string, unknown[]>();
  #bytes = 0;
  /** Bytes of stream items in the file that their callers have not read yet. */
  #unread = 0;
  readonly #streams = new Set<string>();

  constructor(
    private readonly maxBufferedBytes: number,
    private readonly logger: Logger,
  ) {}

  /** True when streams should wait for the callers to catch up. */
  get full(): boolean {
    return this.#bytes + this.#unread >= this.maxBufferedBytes;
  }

  /**
   * Queue a frame core sent: an answer to the call whose id is its entry's
   * key, or (for a `frame` entry's connection) a reply to that entry.
   */
  add(frame: string, entryKey: string | undefined): void {
    let msg: unknown;
    try {
      msg = JSON.parse(frame);
    } catch {
      this.logger.error(`dropped an answer that is not JSON: ${frame.slice(0, 80)}`);
      return;
    }
    if (entryKey !== undefined) push(this.#replies, entryKey, msg);
    else if (isObject(msg) && typeof msg.id === 'string') push(this.#answers, msg.id, msg as unknown as ResponseMessage);
    else this.logger.warn(`dropped an answer for no entry: ${frame.slice(0, 80)}`);
    this.#bytes += frame.length;
  }

  /** Queue an answer made here rather than by core. */
  answer(key: string, response: ResponseMessage): void {
    push(this.#answers, key, response);
  }

  /** The call of entry `key` is over: its items no longer count as unread. */
  forget(key: string): void {
    this.#streams.delete(key);
  }

  /** Write everything queued into the entries it answers (an entry that is gone gets nothing). */
  writeTo(doc: SharedDoc, now: number): Written {
    const answers = this.#answers;
    const replies = this.#replies;
    this.#answers = new Map();
    this.#replies = new Map();
    this.#bytes = 0;
    const ended: string[] = [];
    const replied: string[] = [];
    for (const [key, responses] of answers) {
      this.#update(doc, key, (entry) => answerEntry(entry, responses, now));
      if (responses.some((r) => 'result' in r || 'error' in r)) {
        this.#streams.delete(key);
        ended.push(key);
      } else {
        this.#streams.add(key);
      }
    }
    for (const [key, list] of replies) {
      const final = list.some(isFinalReply);
      this.#update(doc, key, (entry) => {
        replyToEntry(entry, list);
        if (final) entry.set('answeredAt', now);
      });
      if (final) replied.push(key);
    }
    this.#unread = 0;
    for (const key of this.#streams) this.#unread += doc.commands.text(key)?.length ?? 0;
    return { ended, replied };
  }

  #update(doc: SharedDoc, key: string, change: (entry: RawObject) => void): void {
    const text = doc.commands.text(key);
    if (text === undefined) return;
    const entry = RawObject.parse(text, 0);
    change(entry);
    doc.commands.setText(key, entry.toText());
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}
