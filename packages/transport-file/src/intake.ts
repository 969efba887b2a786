/**
 * Which entries of the file the server takes up, and which it leaves:
 *
 * - an entry with `result` or `error` is answered: left to its caller, and
 *   cleared out `answeredTtlMs` after we answered it (a caller in the seed's
 *   style never removes its entries);
 * - an entry `taken` by a server that is no longer running (we hold the
 *   presence lock, so any other is gone) is answered UNAVAILABLE: it may
 *   have run, and running it again could do the work twice;
 * - anything that is not an object is someone else's, and left alone;
 * - the rest are new: notifications are removed and run, calls and `frame`
 *   entries are handed to core.
 *
 * Entries known to need nothing are remembered by their text, so a cycle
 * parses only what changed.
 */
import { errorToWire, RpcError, type Logger } from '@interoffice/core';
import type { SharedDoc } from './document.js';
import { isObject, RawObject } from './raw-object.js';
import { requestFrame, requestHead } from './request-entry.js';
import { answerEntry, isAnswered } from './response-entry.js';
import type { Connections } from './connections.js';

interface Settled {
  readonly text: string;
  /** When it may be removed (epoch ms), Infinity for never. */
  readonly expires: number;
}

const STOPPED = 'the server that took this call stopped before answering; it may or may not have run';

export class Intake {
  #settled = new Map<string, Settled>();
  #warned = new Set<string>();
  /** The earliest time an answered entry may be removed. */
  nextExpiry = Infinity;

  constructor(
    /** This server's id, written into the entries it takes. */
    readonly serverId: string,
    private readonly ttlMs: number,
    private readonly maxFrameBytes: number,
    private readonly logger: Logger,
  ) {}

  /** Take up new entries, clear out old answers; returns the keys of the calls handed to core. */
  take(doc: SharedDoc, now: number, conns: Connections): string[] {
    const started: string[] = [];
    const deliveries: (() => void)[] = [];
    const settled = new Map<string, Settled>();
    let nextExpiry = Infinity;
    const keep = (key: string, s: Settled): void => {
      if (s.expires <= now) {
        doc.commands.delete(key);
        return;
      }
      settled.set(key, s);
      nextExpiry = Math.min(nextExpiry, s.expires);
    };
    for (const key of doc.commands.keys()) {
      if (conns.running.has(key) || conns.frames.has(key)) continue;
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
        this.#refuse(doc, key, text, now);
      } else if (typeof value.frame === 'string') {
        const conn = conns.frame(key, value.client);
        const frame = value.frame;
        deliveries.push(() => conn.deliver(frame));
      } else if (value.notification === true) {
        doc.commands.delete(key);
        const conn = conns.caller(value.client, now);
        deliveries.push(() => conn.deliver(requestFrame(key, value)));
      } else {
        const conn = conns.caller(value.client, now);
        conns.start(key, conn);
        started.push(key);
        const bytes = text.length * 3 > this.maxFrameBytes ? Buffer.byteLength(text) : 0;
        deliveries.push(
          bytes > this.maxFrameBytes ? () => conn.oversized(requestHead(key), bytes) : () => conn.deliver(requestFrame(key, value)),
        );
      }
    }
    this.#settled = settled;
    this.nextExpiry = nextExpiry;
    for (const deliver of deliveries) deliver();
    return started;
  }

  /** An entry was answered at `now`: it may be cleared out from `now + ttl` on. */
  answered(now: number): void {
    this.nextExpiry = Math.min(this.nextExpiry, now + this.ttlMs);
  }

  /** Mark the entries of calls still running as taken by this server (one that finished at once needs no mark). */
  markTaken(doc: SharedDoc, keys: readonly string[], stillRunning: (key: string) => boolean): void {
    for (const key of keys) {
      const text = doc.commands.text(key);
      if (text === undefined || !stillRunning(key)) continue;
      const entry = RawObject.parse(text, 0);
      entry.set('taken', this.serverId);
      doc.commands.setText(key, entry.toText());
    }
  }

  /** An entry a server took and never answered: answer UNAVAILABLE rather than run it twice. */
  #refuse(doc: SharedDoc, key: string, text: string, now: number): void {
    const entry = RawObject.parse(text, 0);
    answerEntry(entry, [{ jsonrpc: '2.0', id: key, error: errorToWire(new RpcError('UNAVAILABLE', STOPPED)) }], now);
    doc.commands.setText(key, entry.toText());
  }
}
