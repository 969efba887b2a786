/**
 * Newline-delimited frames: splits a byte stream into lines, and drops
 * (and reports) any line longer than the frame limit without buffering it.
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
  sink: LineSink;

  constructor(maxFrameBytes: number, sink: LineSink) {
    this.maxBytes = maxFrameBytes;
    this.sink = sink;
  }

  push(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const end = chunk.indexOf(NEWLINE, start);
      if (end === -1) {
        this.#keep(chunk.subarray(start));
        return;
      }
      this.#line(chunk, start, end);
      start = end + 1;
    }
  }

  /** Bytes held for an unfinished line. */
  get buffered(): number {
    return this.#partBytes;
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
