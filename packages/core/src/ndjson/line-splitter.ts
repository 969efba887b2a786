/**
 * Newline-delimited frames: splits a byte stream into lines, and drops
 * (and reports) any line longer than the frame limit without buffering it.
 * While paused it delivers nothing and holds the rest of the current chunk.
 */

const NEWLINE = 0x0a;
const HEAD_BYTES = 256;

export interface LineSink {
  line(text: string): void;
  oversized(head: string, bytes: number): void;
}

export class LineSplitter {
  /** The frame limit; lowered during a handshake. */
  maxBytes: number;
  #parts: Buffer[] = [];
  #partBytes = 0;
  /** While > 0, the current line is being dropped; counts its bytes. */
  #dropping = 0;
  #dropHead = '';
  /** The unread rest of a chunk, kept while paused. */
  #held: Buffer | undefined;
  #paused = false;
  sink: LineSink;

  constructor(maxFrameBytes: number, sink: LineSink) {
    this.maxBytes = maxFrameBytes;
    this.sink = sink;
  }

  push(chunk: Buffer): void {
    if (this.#held !== undefined) {
      this.#held = Buffer.concat([this.#held, chunk]);
      return;
    }
    let start = 0;
    for (;;) {
      if (this.#paused) {
        if (start < chunk.length) this.#held = chunk.subarray(start);
        return;
      }
      const end = chunk.indexOf(NEWLINE, start);
      if (end === -1) {
        this.#keep(chunk.subarray(start));
        return;
      }
      this.#line(chunk, start, end);
      start = end + 1;
    }
  }

  /** Stop delivering lines (the rest of the current chunk is held). */
  pause(): void {
    this.#paused = true;
  }

  get paused(): boolean {
    return this.#paused;
  }

  /** Deliver again, starting with what was held. */
  resume(): void {
    this.#paused = false;
    const held = this.#held;
    this.#held = undefined;
    if (held !== undefined) this.push(held);
  }

  /** Bytes held for an unfinished line, or while paused. */
  get buffered(): number {
    return this.#partBytes + (this.#held?.length ?? 0);
  }

  #keep(rest: Buffer): void {
    if (rest.length === 0) return;
    if (this.#dropping > 0) {
      this.#dropping += rest.length;
    } else if (this.#partBytes + rest.length > this.maxBytes) {
      const head = Buffer.concat([...this.#parts, rest.subarray(0, HEAD_BYTES)]).subarray(0, HEAD_BYTES);
      this.#dropHead = head.toString('utf8');
      this.#dropping = this.#partBytes + rest.length;
      this.#parts = [];
      this.#partBytes = 0;
    } else {
      this.#parts.push(rest);
      this.#partBytes += rest.length;
    }
  }

  #line(chunk: Buffer, start: number, end: number): void {
    if (this.#dropping > 0) {
      const bytes = this.#dropping + (end - start);
      this.#dropping = 0;
      this.sink.oversized(this.#dropHead, bytes);
      return;
    }
    let buf: Buffer;
    if (this.#partBytes === 0) {
      buf = chunk;
    } else {
      this.#parts.push(chunk.subarray(start, end));
      buf = Buffer.concat(this.#parts);
      this.#parts = [];
      start = 0;
      end = buf.length;
      this.#partBytes = 0;
    }
    if (end > start && buf[end - 1] === 0x0d) end--; // tolerate CRLF
    const length = end - start;
    if (length > this.maxBytes) {
      this.sink.oversized(buf.toString('utf8', start, start + HEAD_BYTES), length);
      return;
    }
    if (length === 0) return; // blank lines between frames are allowed
    this.sink.line(buf.toString('utf8', start, end));
  }
}
