/**
 * A session on a frame connection: the connection's frames go to the
 * session, its answers straight back onto the connection.
 */
import type { Connection, FrameHandler } from '../transport.js';
import { FrameOutlet } from './outlet.js';
import { Session, type SessionOptions } from './session.js';

export class FrameSession implements FrameHandler {
  readonly session: Session;
  readonly #conn: Connection;
  readonly #outlet: FrameOutlet;
  readonly #onClosed: (s: FrameSession) => void;

  constructor(conn: Connection, opts: SessionOptions, onClosed: (s: FrameSession) => void) {
    this.#conn = conn;
    this.session = new Session(conn.peer, opts);
    this.#outlet = new FrameOutlet(conn);
    this.#onClosed = onClosed;
  }

  frame(frame: string): void {
    this.session.text(frame, this.#outlet);
  }

  oversized(head: string, bytes: number): void {
    this.session.oversized(head, bytes, this.#conn.maxFrameBytes, this.#outlet);
  }

  drain(): void {
    this.session.drain();
  }

  closed(): void {
    if (this.session.closed) return;
    this.session.close();
    this.#onClosed(this);
  }

  /** Close the connection; calls still in flight are stopped. */
  close(): void {
    this.#conn.close();
    this.closed();
  }
}
