/**
 * A byte stream as a {@link Connection}: newline-delimited frames over a
 * readable and a writable (the same socket, or two FIFOs, or stdin and
 * stdout), shared by every transport that frames that way.
 *
 * Writes: a frame is written at once, unless a burst is on — a read brought
 * several frames — in which case the frames sent until the end of the tick
 * are coalesced, a batch at most {@link BATCH} frames long. One call at a
 * time then costs no scheduling, and many calls in flight cost few writes;
 * capping the batch keeps both processes busy instead of taking turns.
 *
 * A server (`pauseReads`) stops reading from a peer that does not read its
 * responses, so such a peer cannot grow the server's memory.
 */
import type { Readable, Writable } from 'node:stream';
import { RpcError } from '../error.js';
import type { Connection, FrameHandler, Peer } from '../transport.js';
import { LineSplitter, type LineSink } from './line-splitter.js';

export interface StreamConnectionOptions {
  maxFrameBytes: number;
  /** Bytes waiting to be written above which `send` reports backpressure. */
  maxBufferedBytes: number;
  /** Server side: stop reading new requests while the peer is not reading responses. */
  pauseReads: boolean;
  peer: Peer;
}

/** How long a closing stream may take to flush before it is destroyed. */
const CLOSE_GRACE_MS = 2000;
/** Frames per write in a burst: small enough that the peer starts on the first batch early. */
const BATCH = 16;

export class StreamConnection implements Connection {
  readonly maxFrameBytes: number;
  readonly peer: Peer;
  readonly #in: Readable;
  readonly #out: Writable;
  /** One duplex stream (a socket) rather than two. */
  readonly #duplex: boolean;
  readonly #splitter: LineSplitter;
  readonly #maxBuffered: number;
  readonly #pauseReads: boolean;
  #handler: FrameHandler | undefined;
  #queued: string[] = [];
  #queuedChars = 0;
  #burst = false;
  #linesThisRead = 0;
  #closed = false;
  #error: Error | undefined;
  /** An error this side chose to close with; reported instead of the stream's. */
  #failure: RpcError | undefined;
  /** Called once when the connection closes, before the handler hears of it. */
  onClose: ((error: Error | undefined) => void) | undefined;

  /** `sink` gets the lines until {@link attach} (a handshake may read them first). */
  constructor(readable: Readable, writable: Writable, options: StreamConnectionOptions, sink: LineSink) {
    this.#in = readable;
    this.#out = writable;
    this.#duplex = writable === (readable as unknown);
    this.maxFrameBytes = options.maxFrameBytes;
    this.peer = options.peer;
    this.#maxBuffered = options.maxBufferedBytes;
    this.#pauseReads = options.pauseReads;
    this.#splitter = new LineSplitter(options.maxFrameBytes, sink);
    readable.on('data', (chunk: Buffer) => {
      this.#linesThisRead = 0;
      this.#splitter.push(chunk);
    });
    writable.on('drain', () => {
      this.#relieve();
      this.#handler?.drain();
    });
    const onError = (e: Error): void => void (this.#error ??= e);
    readable.on('error', onError);
    const onClose = (): void => this.#onClosed();
    readable.on('close', onClose);
    if (!this.#duplex) {
      writable.on('error', onError);
      writable.on('close', onClose);
      readable.on('end', onClose); // the other side closed its end
    }
  }

  #onClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (!this.#duplex) {
      this.#in.destroy();
      this.#out.destroy();
    }
    const error =
      this.#failure ??
      (this.#error === undefined ? undefined : new RpcError('UNAVAILABLE', this.#error.message, { cause: this.#error }));
    this.onClose?.(error);
    this.#handler?.closed(error);
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
    if (!this.#closed) this.#out.write(`${line}\n`);
  }

  send(frame: string): boolean {
    if (this.#closed) return false;
    if (this.#burst) {
      this.#queued.push(frame);
      this.#queuedChars += frame.length;
      if (this.#queued.length >= BATCH) this.#write();
    } else {
      this.#out.write(`${frame}\n`);
    }
    return this.#pressure();
  }

  /** End of a burst's tick: write what is left. */
  readonly #flush = (): void => {
    this.#burst = false;
    this.#write();
  };

  #write(): void {
    if (this.#queued.length === 0 || this.#closed) return;
    const out = this.#queued;
    this.#queued = [];
    this.#queuedChars = 0;
    this.#out.write(out.length === 1 ? `${out[0]}\n` : `${out.join('\n')}\n`);
    this.#relieve();
  }

  /**
   * True while there is room to send. When there is not, a server stops
   * reading requests (even those already read but not yet run) until the
   * peer has taken its responses.
   */
  #pressure(): boolean {
    const room = this.#out.writableLength + this.#queuedChars < this.#maxBuffered;
    if (!room && this.#pauseReads && !this.#splitter.paused) {
      this.#splitter.pause();
      this.#in.pause();
    }
    return room;
  }

  #relieve(): void {
    if (!this.#splitter.paused || this.#out.writableLength + this.#queuedChars >= this.#maxBuffered) return;
    this.#splitter.resume();
    if (!this.#splitter.paused) this.#in.resume();
  }

  close(): void {
    if (this.#closed) return;
    this.#write();
    this.#out.end();
    setTimeout(() => {
      this.#out.destroy();
      this.#onClosed();
    }, CLOSE_GRACE_MS).unref();
  }

  /** Close at once, without flushing; the handler's `closed` gets `error`. */
  fail(error: RpcError): void {
    this.#failure ??= error;
    this.#in.destroy();
    this.#out.destroy();
  }
}
