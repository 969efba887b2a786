/**
 * Which entries of the file a server takes up, and which it leaves:
 *
 * - an entry with `result`, `error` or `answeredAt` is answered: left to its
 *   caller, and cleared out `answeredTtlMs` after we answered it (a caller in
 *   the seed's style never removes its entries);
 * - an entry `taken` by a server that is no longer running (we hold the
 *   presence lock, so any other is gone) is answered UNAVAILABLE: it may
 *   have run, and running it again could do the work twice;
 * - anything that is not an object is someone else's, and left alone;
 * - the rest are new: notifications are removed, and each new entry is
 *   handed to core.
 *
 * Entries known to need nothing are remembered by their text, so a cycle
 * parses only what changed.
 */
import type { Logger } from '@interoffice/core';
import type { SharedDoc } from './document.js';
import { isObject, RawObject } from './raw-object.js';
import { isAnswered, unavailable, writeAnswers } from './response-entry.js';

interface Settled {
  readonly text: string;
  /** When it may be removed (epoch ms), Infinity for never. */
  readonly expires: number;
}

/** A new entry to hand to core. */
export interface NewEntry {
  readonly key: string;
  readonly value: Record<string, unknown>;
  /** Its size in bytes, when over the frame limit. */
  readonly tooLarge: number | undefined;
}

const STOPPED = 'the server that took this call stopped before answering; it may or may not have run';

export class Intake {
  #settled = new Map<string, Settled>();
  #warned = new Set<string>();
  /** The earliest time an answered entry may be removed. */
  nextExpiry = Infinity;

  constructor(
    private readonly ttlMs: number,
    private readonly maxFrameBytes: number,
    private readonly logger: Logger,
  ) {}

  /** Find the new entries (skipping those of `running` calls), clear out old answers. */
  take(doc: SharedDoc, now: number, running: ReadonlySet<string> | ReadonlyMap<string, unknown>): NewEntry[] {
    const found: NewEntry[] = [];
    const settled = new Map<string, Settled>();
    let nextExpiry = Infinity;
    const keep = (key: string, s: Settled): void => {
      if (s.expires <= now) return void doc.commands.delete(key);
      settled.set(key, s);
      nextExpiry = Math.min(nextExpiry, s.expires);
    };
    for (const key of doc.commands.keys()) {
      if (running.has(key)) continue;
      const text = doc.commands.text(key) as string;
      const known = this.#settled.get(key);
      if (known?.text === text) {
        keep(key, known);
        continue;
      }
      const value = doc.commands.value(key);
      if (!isObject(value)) {
        if (this.#warned.size < 1000 && !this.#warned.has(key)) {
          this.logger.warn(`entry ${key} is not an object; left alone`);
          this.#warned.add(key);
        }
        keep(key, { text, expires: Infinity });
      } else if (isAnswered(value) || typeof value.answeredAt === 'number') {
        keep(key, { text, expires: typeof value.answeredAt === 'number' ? value.answeredAt + this.ttlMs : Infinity });
      } else if (value.taken !== undefined) {
        const entry = RawObject.parse(text, 0);
        writeAnswers(entry, { member: 'items', texts: [], ids: [], final: unavailable(key, STOPPED) }, now);
        doc.commands.setText(key, entry.toText());
      } else {
        if (value.notification === true) doc.commands.delete(key);
        const bytes = text.length * 3 > this.maxFrameBytes ? Buffer.byteLength(text) : 0;
        found.push({ key, value, tooLarge: bytes > this.maxFrameBytes ? bytes : undefined });
      }
    }
    this.#settled = settled;
    this.nextExpiry = nextExpiry;
    return found;
  }

  /** An entry was answered at `now`: it may be cleared out from `now + ttl` on. */
  answered(now: number): void {
    this.nextExpiry = Math.min(this.nextExpiry, now + this.ttlMs);
  }
}
