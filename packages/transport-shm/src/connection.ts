/**
 * One end of a slot's pair of rings as a {@link Connection}: frames out
 * through one ring, frames in from the other. Both sides use it; what
 * differs (who is told of a close, what counts as gone) comes in options.
 *
 * A frame that fits the ring's contiguous room is written straight into
 * shared memory; anything else is encoded once and queued, then written in
 * chunks as the reader frees room.
 */
import { RpcError, type Connection, type FrameHandler, type Peer } from '@interoffice/core';
import type { Doorbell } from './doorbell.js';
import type { RingReader } from './ring-reader.js';
import type { RingWriter } from './ring-writer.js';

export interface ShmConnectionOptions {
  readonly writer: RingWriter;
  readonly reader: RingReader;
  /** The peer's doorbell: rung after writing, and after freeing room it waits for. */
  readonly peerBell: Doorbell;
  readonly maxFrameBytes: number;
  /** Bytes queued before `send` reports backpressure (and a server stops reading). */
  readonly maxBufferedBytes: number;
  /** Server side: take no requests from a peer that does not take its responses. */
  readonly pauseReads: boolean;
  readonly peer: Peer;
  /** Own poller: something was sent, look at the rings again. */
  kick(): void;
  /** When the peer has ended the connection (checked before each send). */
  gone?(): RpcError | undefined;
  /** This end is closing: release the slot, tell the peer. Called once, before `closed`. */
  release(error: Error | undefined): void;
}

export class ShmConnection implements Connection {
  readonly maxFrameBytes: number;
  readonly peer: Peer;
  readonly #o: ShmConnectionOptions;
  #handler: FrameHandler | undefined;
  /** Encoded frames waiting for room, the first possibly written in part (up to #offset). */
  #queue: Uint8Array[] = [];
  #offset = 0;
  #queued = 0;
  #wantDrain = false;
  #closed = false;
  readonly #freed = (): void => this.#o.peerBell.ring();

  constructor(options: ShmConnectionOptions) {
    this.#o = options;
    this.maxFrameBytes = options.maxFrameBytes;
    this.peer = options.peer;
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  /** Deliver frames to `handler` from now on. */
  attach(handler: FrameHandler): void {
    this.#handler = handler;
  }

  send(frame: string): boolean {
    if (this.#closed) return false;
    const gone = this.#o.gone?.();
    if (gone !== undefined) {
      this.fail(gone);
      return false;
    }
    if (this.#queue.length === 0 && this.#o.writer.tryWrite(frame)) {
      this.#o.peerBell.ring();
      this.#o.kick();
      return true;
    }
    const bytes = Buffer.from(frame, 'utf8');
    this.#queue.push(bytes);
    this.#queued += bytes.length;
    this.flush();
    this.#o.kick();
    if (this.#queued < this.#o.maxBufferedBytes) return true;
    this.#wantDrain = true;
    return false;
  }

  /** Write what the queue holds, as far as there is room; true if anything was written. */
  flush(): boolean {
    if (this.#queue.length === 0 || this.#closed) return false;
    let wrote = false;
    while (this.#queue.length > 0) {
      const first = this.#queue[0] as Uint8Array;
      const end = this.#o.writer.writeChunks(first, this.#offset);
      if (end > this.#offset) wrote = true;
      this.#queued -= end - this.#offset;
      if (end < first.length) {
        this.#offset = end;
        // Full: ask the reader to ring us when it frees room (unless it just did).
        if (!this.#o.writer.waitForRoom()) break;
        continue;
      }
      this.#queue.shift();
      this.#offset = 0;
    }
    if (wrote) this.#o.peerBell.ring();
    if (this.#wantDrain && this.#queued < this.#o.maxBufferedBytes) {
      this.#wantDrain = false;
      this.#handler?.drain();
    }
    return wrote;
  }

  /** True while a server should take no more requests from this peer. */
  get blocked(): boolean {
    return this.#o.pauseReads && this.#queued >= this.#o.maxBufferedBytes;
  }

  /** Whether frames wait to be read (unless blocked), or queued frames can be written. */
  ready(): boolean {
    if (this.#closed) return false;
    return (!this.blocked && this.#o.reader.available()) || (this.#queue.length > 0 && this.#o.writer.hasRoom());
  }

  /** Deliver up to `limit` frames that have arrived; returns how many. */
  receive(limit: number): number {
    let n = 0;
    while (n < limit && !this.#closed && !this.blocked) {
      let frame: ReturnType<RingReader['next']>;
      try {
        frame = this.#o.reader.next(this.#freed);
      } catch (e) {
        this.fail(new RpcError('DATA_LOSS', `the peer broke the shared memory ring: ${(e as Error).message}`));
        return n + 1;
      }
      if (frame === undefined) break;
      n++;
      if (typeof frame === 'string') this.#handler?.frame(frame);
      else this.#handler?.oversized(frame.head, frame.bytes);
    }
    return n;
  }

  close(): void {
    this.#end(undefined);
  }

  /** Close with an error: the handler's `closed` gets it. */
  fail(error: Error): void {
    this.#end(error);
  }

  #end(error: Error | undefined): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#queue = [];
    this.#queued = 0;
    this.#o.release(error);
    const handler = this.#handler;
    queueMicrotask(() => handler?.closed(error));
  }
}
