/**
 * One WebSocket as a core {@link Connection}: one frame per text message,
 * each held to the frame limit; backpressure from the socket's own buffer.
 * The same class serves the `ws` package (Node, both sides) and a browser's
 * WebSocket: it needs only `send`, `close` and `bufferedAmount`, and is told
 * what arrives and when the socket ends.
 */
import { RpcError, utf8Length, type Connection, type FrameHandler, type Peer } from '@interoffice/core/client';

/** What a WebSocket (the `ws` package's, or a browser's) offers that this needs. */
export interface SocketLike {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  readonly bufferedAmount: number;
}

export interface WsConnectionOptions {
  readonly maxFrameBytes: number;
  readonly maxBufferedBytes: number;
  readonly peer: Peer;
  /** Stop reading the peer while our answers to it are not being read (a server's own); resumed on drain. */
  readonly pause?: () => void;
  readonly resume?: () => void;
  /** How to close it (a plain close, 1000, when not given). */
  readonly close?: () => void;
}

/** How many bytes of an oversized message core gets, to read its id from. */
const HEAD_CHARS = 256;
/** How often a full buffer is looked at until it has room (neither socket says when it drains). */
const DRAIN_POLL_MS = 5;
const decoder = new TextDecoder();

export class WsConnection implements Connection {
  readonly maxFrameBytes: number;
  readonly peer: Peer;
  readonly #socket: SocketLike;
  readonly #o: WsConnectionOptions;
  #handler: FrameHandler | undefined;
  #drainTimer: ReturnType<typeof setInterval> | undefined;
  #closed = false;

  constructor(socket: SocketLike, o: WsConnectionOptions) {
    this.#socket = socket;
    this.#o = o;
    this.maxFrameBytes = o.maxFrameBytes;
    this.peer = o.peer;
  }

  /** Where frames go from now on. */
  attach(handler: FrameHandler): void {
    this.#handler = handler;
  }

  get closed(): boolean {
    return this.#closed;
  }

  send(frame: string): boolean {
    if (this.#closed) return false;
    this.#socket.send(frame);
    if (this.#socket.bufferedAmount <= this.#o.maxBufferedBytes) return true;
    this.#o.pause?.();
    this.#drainTimer ??= setInterval(() => {
      if (this.#socket.bufferedAmount > this.#o.maxBufferedBytes / 2 && !this.#closed) return;
      clearInterval(this.#drainTimer);
      this.#drainTimer = undefined;
      this.#o.resume?.();
      if (!this.#closed) this.#handler?.drain();
    }, DRAIN_POLL_MS);
    return false;
  }

  close(): void {
    if (this.#closed) return;
    if (this.#o.close !== undefined) this.#o.close();
    else this.#socket.close(1000);
    this.ended(undefined);
  }

  /** A message arrived: text, or bytes (read as UTF-8 text: some peers send JSON as binary messages). */
  receive(data: string | Uint8Array): void {
    if (this.#closed || this.#handler === undefined) return;
    const bytes = typeof data === 'string' ? (data.length * 3 > this.maxFrameBytes ? utf8Length(data) : 0) : data.length;
    if (bytes > this.maxFrameBytes) {
      const head = typeof data === 'string' ? data.slice(0, HEAD_CHARS) : decoder.decode(data.subarray(0, HEAD_CHARS));
      return this.#handler.oversized(head, bytes);
    }
    this.#handler.frame(typeof data === 'string' ? data : decoder.decode(data));
  }

  /** The socket ended; `error` says why when it was not a plain close. */
  ended(error: Error | undefined): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#drainTimer);
    this.#handler?.closed(error);
  }
}

/** What a close code and reason mean to the calls still waiting on the connection (undefined: a plain close). */
export function closeError(code: number, reason: string): RpcError | undefined {
  if (code === 1000) return undefined;
  const why = reason === '' ? '' : `: ${reason}`;
  if (code === 1001 || code === 1012) return new RpcError('UNAVAILABLE', `the server went away (${code})${why}`);
  if (code === 1008) return new RpcError('PERMISSION_DENIED', `the server refused the connection (1008)${why}`);
  if (code === 1009) return new RpcError('RESOURCE_EXHAUSTED', `a message was too large for the peer (1009)${why}`);
  return new RpcError('UNAVAILABLE', `the WebSocket closed (${code})${why}`);
}
