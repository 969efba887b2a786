/**
 * The reading end of a ring (see ring-writer.ts): takes records as they are
 * published, puts chunked frames back together, drops frames over the limit
 * as they stream through, and frees room as it goes.
 */
import { MORE, RECORD_HEADER, type RingPlace } from './layout.js';
import { pad4 } from './ring-writer.js';

/** An oversized frame: dropped, with its first bytes kept for its id. */
export interface Oversized {
  readonly head: string;
  readonly bytes: number;
}

/** How many bytes of a dropped frame are kept to read its id from. */
const HEAD_BYTES = 256;

/** The consumer's end. Only one process reads a ring. */
export class RingReader {
  readonly #words: Uint32Array;
  readonly #bytes: Buffer;
  readonly #ring: RingPlace;
  readonly #mask: number;
  readonly #maxFrameBytes: number;
  #tail: number;
  #head: number;
  /** Chunks of the frame being assembled. */
  #parts: Buffer[] = [];
  #total = 0;
  #oversizedHead: string | undefined;

  constructor(words: Uint32Array, bytes: Buffer, ring: RingPlace, maxFrameBytes: number) {
    this.#words = words;
    this.#bytes = bytes;
    this.#ring = ring;
    this.#mask = ring.size - 1;
    this.#maxFrameBytes = maxFrameBytes;
    this.#tail = Atomics.load(words, ring.tail >> 2);
    this.#head = this.#tail;
  }

  /** Whether a record is waiting. */
  available(): boolean {
    if (this.#head !== this.#tail) return true;
    this.#head = Atomics.load(this.#words, this.#ring.head >> 2);
    return this.#head !== this.#tail;
  }

  /**
   * The next whole frame (an {@link Oversized} for one over the frame limit),
   * or undefined when none is complete yet. Frees each record's room as it
   * goes; `freed` is called when the writer was waiting for room. Throws on a
   * record that cannot be (the peer broke the ring).
   */
  next(freed: () => void): string | Oversized | undefined {
    while (this.available()) {
      const pos = this.#tail & this.#mask;
      const at = this.#ring.data + pos;
      const header = this.#words[at >> 2] as number;
      const n = header & ~MORE;
      const more = header >>> 31 === 1;
      if (n > this.#ring.size - pos - RECORD_HEADER || RECORD_HEADER + pad4(n) > (this.#head - this.#tail) >>> 0) {
        throw new Error(`corrupt ring: a record of ${n} bytes at ${pos} does not fit`);
      }
      const start = at + RECORD_HEADER;
      let frame: string | Oversized | undefined;
      if (!more && this.#parts.length === 0 && this.#oversizedHead === undefined) {
        frame = n <= this.#maxFrameBytes ? this.#bytes.toString('utf8', start, start + n) : this.#drop(start, n);
      } else {
        this.#collect(start, n);
        if (!more) frame = this.#finish();
      }
      this.#advance(RECORD_HEADER + pad4(n), freed);
      if (frame !== undefined) return frame;
    }
    return undefined;
  }

  #collect(start: number, n: number): void {
    this.#total += n;
    if (this.#oversizedHead !== undefined || n === 0) return;
    if (this.#total <= this.#maxFrameBytes) {
      this.#parts.push(Buffer.from(this.#bytes.subarray(start, start + n)));
      return;
    }
    // Over the limit: keep the first bytes only, and drop the rest as it comes.
    const head: Buffer[] = [];
    let kept = 0;
    for (const part of [...this.#parts, this.#bytes.subarray(start, start + n)]) {
      if (kept >= HEAD_BYTES) break;
      const piece = part.subarray(0, HEAD_BYTES - kept);
      head.push(Buffer.from(piece));
      kept += piece.length;
    }
    this.#oversizedHead = Buffer.concat(head).toString('utf8');
    this.#parts = [];
  }

  #finish(): string | Oversized {
    const total = this.#total;
    const head = this.#oversizedHead;
    const parts = this.#parts;
    this.#parts = [];
    this.#total = 0;
    this.#oversizedHead = undefined;
    if (head !== undefined) return { head, bytes: total };
    return (parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, total)).toString('utf8');
  }

  #drop(start: number, n: number): Oversized {
    return { head: this.#bytes.toString('utf8', start, start + Math.min(n, HEAD_BYTES)), bytes: n };
  }

  #advance(bytes: number, freed: () => void): void {
    this.#tail = (this.#tail + bytes) >>> 0;
    Atomics.store(this.#words, this.#ring.tail >> 2, this.#tail);
    const waiting = this.#ring.waiting >> 2;
    if (Atomics.load(this.#words, waiting) !== 0 && Atomics.exchange(this.#words, waiting, 0) !== 0) freed();
  }
}
