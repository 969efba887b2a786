/**
 * One socket as a {@link Connection}: newline-delimited frames, and a server
 * that stops reading from a peer that does not read its responses.
 *
 * Writes: a frame is written at once, unless a burst is on — a read brought
 * several frames — in which case the frames sent until the end of the tick
 * are coalesced, a batch at most {@link BATCH} frames long. One call at a
 * time then costs no scheduling, and many calls in flight cost few writes;
 * capping the batch keeps both processes busy instead of taking turns.
 */
import type { Socket } from 'node:net';
import { RpcError, type Connection, type FrameHandler, type Peer } from '@interoffice/core';
import { LineSplitter, type LineSink } from './framing.js';

export interface SocketConnectionOptions {
  maxFrameBytes: number;
  /** Bytes waiting to be written above which `send` reports backpressure. */
  maxBufferedBytes: number;
  /** Server side: stop reading new requests while the peer is not reading responses. */
  pauseReads: boolean;
  peer: Peer;
}

/** How long a closing socket may take to flush before it is destroyed. */
const CLOSE_GRACE_MS = 2000;
/** Frames per write in a burst: small enough that the peer starts on the first batch early. */
const BATCH = 16;

export class SocketConnection implements Connection {
  readonly maxFrameBytes: number;
  readonly peer: Peer;
  readonly #socket: Socket;
  readonly #splitter: LineSplitter;
  readonly #maxBuffered: number;
  readonly #pauseReads: boolean;
  #handler: FrameHandler | undefined;
  #out: string[] = [];
  #outChars = 0;
  #burst = false;
  #linesThisRead = 0;
  #closed = false;
  #error: Error | undefined;
  /** An error this side chose to close with; reported instead of the socket's. */
  #failure: RpcError | undefined;
  /** Called once when the socket closes, before the handler hears of it. */
  onClose: ((error: Error | undefined) => void) | undefined;

  constructor(socket: Socket, options: SocketConnectionOptions, sink: LineSink) {
    this.#socket = socket;
    this.maxFrameBytes = options.maxFrameBytes;
    this.peer = options.peer;
    this.#maxBuffered = options.maxBufferedBytes;
    this.#pauseReads = options.pauseReads;
    this.#splitter = new LineSplitter(options.maxFrameBytes, sink);
    socket.on('data', (chunk: Buffer) => {
      this.#linesThisRead = 0;
      this.#splitter.push(chunk);
    });
    socket.on('drain', () => {
      this.#relieve();
      this.#handler?.drain();
    });
    socket.on('error', (e) => (this.#error ??= e));
    socket.on('close', () => {
      this.#closed = true;
      const error =
        this.#failure ??
        (this.#error === undefined ? undefined : new RpcError('UNAVAILABLE', this.#error.message, { cause: this.#error }));
      this.onClose?.(error);
      this.#handler?.closed(error);
    });
  }

  /** Hand frames to `handler` from now on (after any handshake). */
  attach(handler: FrameHandler): void {
    this.#handler = handler;
    this.#splitter.maxBytes = this.maxFrameBytes;
    this.#splitter.sink = {
      line: (frame) => {
        if (++this.#linesThisRead === 2 && !this.#burst) {
          this.#burst = true;
          // Flush after the promise jobs this read sets off (they send the replies or the next
          // requests): a tick queued from a microtask runs once the microtask queue is empty.
          queueMicrotask(() => process.nextTick(this.#flush));
        }
        handler.frame(frame);
      },
      oversized: (head, bytes) => handler.oversized(head, bytes),
    };
  }

  /** Route lines elsewhere (a handshake), with a frame limit of `maxBytes`. */
  divert(sink: LineSink, maxBytes: number): void {
    this.#splitter.sink = sink;
    this.#splitter.maxBytes = maxBytes;
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  /** Write one line now, bypassing coalescing (handshake lines). */
  writeLine(line: string): void {
    if (!this.#closed) this.#socket.write(`${line}\n`);
  }

  send(frame: string): boolean {
    if (this.#closed) return false;
    if (this.#burst) {
      this.#out.push(frame);
      this.#outChars += frame.length;
      if (this.#out.length >= BATCH) this.#write();
    } else {
      this.#socket.write(`${frame}\n`);
    }
    return this.#pressure();
  }

  /** End of a burst's tick: write what is left. */
  readonly #flush = (): void => {
    this.#burst = false;
    this.#write();
  };

  #write(): void {
    if (this.#out.length === 0 || this.#closed) return;
    const out = this.#out;
    this.#out = [];
    this.#outChars = 0;
    this.#socket.write(out.length === 1 ? `${out[0]}\n` : `${out.join('\n')}\n`);
    this.#relieve();
  }

  /**
   * True while there is room to send. When there is not, a server stops
   * reading requests (even those already read but not yet run) until the
   * peer has taken its responses.
   */
  #pressure(): boolean {
    const room = this.#socket.writableLength + this.#outChars < this.#maxBuffered;
    if (!room && this.#pauseReads && !this.#splitter.paused) {
      this.#splitter.pause();
      this.#socket.pause();
    }
    return room;
  }

  #relieve(): void {
    if (!this.#splitter.paused || this.#socket.writableLength + this.#outChars >= this.#maxBuffered) return;
    this.#splitter.resume();
    if (!this.#splitter.paused) this.#socket.resume();
  }

  close(): void {
    if (this.#closed) return;
    this.#write();
    this.#socket.end();
    setTimeout(() => this.#socket.destroy(), CLOSE_GRACE_MS).unref();
  }

  /** Close at once, without flushing; the handler's `closed` gets `error`. */
  fail(error: RpcError): void {
    this.#failure ??= error;
    this.#socket.destroy();
  }
}
