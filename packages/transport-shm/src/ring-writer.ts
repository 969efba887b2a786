/**
 * A single-producer/single-consumer ring of length-prefixed records in shared
 * memory, and its writing end. `head` and `tail` are byte counters that wrap
 * at 2^32; the ring holds `head − tail` bytes. A record never wraps: a frame
 * that does not fit before the end of the data area (or at all) is cut into
 * chunks, each but the last flagged MORE. The writer publishes with a store
 * to `head` (Atomics: sequentially consistent), the reader frees with a store
 * to `tail`.
 */
import { MORE, RECORD_HEADER, type RingPlace } from './layout.js';

export const pad4 = (n: number): number => (n + 3) & ~3;

/** The producer's end. Only one process writes a ring. */
export class RingWriter {
  readonly #words: Uint32Array;
  readonly #bytes: Buffer;
  readonly #ring: RingPlace;
  readonly #mask: number;
  #head: number;
  /** The last tail seen: reloaded only when it does not leave enough room. */
  #tail: number;

  constructor(words: Uint32Array, bytes: Buffer, ring: RingPlace) {
    this.#words = words;
    this.#bytes = bytes;
    this.#ring = ring;
    this.#mask = ring.size - 1;
    this.#head = Atomics.load(words, ring.head >> 2);
    this.#tail = Atomics.load(words, ring.tail >> 2);
  }

  /** Bytes free for records, reloading the reader's tail when `want` is more than last seen. */
  #free(want: number): number {
    let free = this.#ring.size - ((this.#head - this.#tail) >>> 0);
    if (free < want) {
      this.#tail = Atomics.load(this.#words, this.#ring.tail >> 2);
      free = this.#ring.size - ((this.#head - this.#tail) >>> 0);
    }
    return free;
  }

  /** Write `frame` as one record if it fits in one, and publish it; false (nothing written) otherwise. */
  tryWrite(frame: string): boolean {
    const pos = this.#head & this.#mask;
    const room = Math.min(this.#ring.size - pos, this.#free(frame.length * 3 + 8)) - RECORD_HEADER;
    const at = this.#ring.data + pos;
    let n: number;
    if (frame.length * 3 <= room) {
      n = this.#bytes.write(frame, at + RECORD_HEADER, room, 'utf8');
    } else {
      n = Buffer.byteLength(frame);
      if (n > room) return false;
      this.#bytes.write(frame, at + RECORD_HEADER, n, 'utf8');
    }
    this.#words[at >> 2] = n;
    this.#publish(RECORD_HEADER + pad4(n));
    return true;
  }

  /**
   * Write `src` from `offset` as chunk records, as far as the ring has room,
   * publishing each. Returns the new offset (`src.length` when all is written).
   */
  writeChunks(src: Uint8Array, offset: number): number {
    let off = offset;
    while (off < src.length) {
      const pos = this.#head & this.#mask;
      const toEnd = this.#ring.size - pos;
      const at = this.#ring.data + pos;
      const free = this.#free(RECORD_HEADER + Math.min(src.length - off, toEnd - RECORD_HEADER));
      if (toEnd === RECORD_HEADER) {
        if (free < RECORD_HEADER) break;
        this.#words[at >> 2] = MORE; // an empty chunk fills the end; the frame goes on at the start
        this.#publish(RECORD_HEADER);
        continue;
      }
      const n = Math.min(src.length - off, toEnd - RECORD_HEADER, free - RECORD_HEADER);
      if (n <= 0) break;
      this.#bytes.set(src.subarray(off, off + n), at + RECORD_HEADER);
      off += n;
      this.#words[at >> 2] = off < src.length ? (n | MORE) >>> 0 : n;
      this.#publish(RECORD_HEADER + pad4(n));
    }
    return off;
  }

  #publish(bytes: number): void {
    this.#head = (this.#head + bytes) >>> 0;
    Atomics.store(this.#words, this.#ring.head >> 2, this.#head);
  }

  /** Whether a chunk can be written now. */
  hasRoom(): boolean {
    return this.#free(RECORD_HEADER + 4) >= RECORD_HEADER + 4;
  }

  /**
   * Tell the reader this writer waits for room (it wakes us after freeing
   * some). True if there is room after all: checked after the flag is set, so
   * a reader that freed room just before cannot be missed.
   */
  waitForRoom(): boolean {
    Atomics.store(this.#words, this.#ring.waiting >> 2, 1);
    return this.hasRoom();
  }
}
