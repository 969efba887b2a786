/**
 * The server's virtual connections (virtual-connection.ts): one per caller —
 * the `client` member of its entries; the seed-style callers, who write
 * none, share one — and one per `frame` entry; with the calls running on
 * them, by entry key. A caller's connection with no call for a while is
 * closed; its next entry opens another.
 */
import type { Connection, FrameHandler, Logger } from '@interoffice/core';
import { VirtualConnection } from './virtual-connection.js';

/** Idle time after which a caller's connection is closed. */
const IDLE_MS = 10_000;

export interface ConnectionEvents {
  /** Core sent `frame` on `conn`; returns what `send` returns (false: wait for drain). */
  send(conn: VirtualConnection, frame: string): boolean;
  /** `conn` closed while the calls of entries `running` were still running on it. */
  closed(running: readonly string[]): void;
}

export class Connections {
  readonly callers = new Map<string, VirtualConnection>();
  readonly frames = new Map<string, VirtualConnection>();
  /** Calls running, by entry key. */
  readonly running = new Map<string, VirtualConnection>();
  #closing = false;
  #allClosed: (() => void) | undefined;

  constructor(
    private readonly url: URL,
    private readonly accept: (connection: Connection) => FrameHandler,
    private readonly maxFrameBytes: number,
    private readonly logger: Logger,
    private readonly events: ConnectionEvents,
  ) {}

  /** The connection of the caller that wrote an entry with this `client` member. */
  caller(client: unknown, now: number): VirtualConnection {
    const key = typeof client === 'string' ? client : '';
    let conn = this.callers.get(key);
    if (conn === undefined) {
      conn = this.#open(key === '' ? this.url.href : `${this.url.href}#${key}`, undefined);
      this.callers.set(key, conn);
    }
    conn.lastActive = now;
    return conn;
  }

  /** A connection of its own for `frame` entry `key`. */
  frame(key: string, client: unknown): VirtualConnection {
    const conn = this.#open(`${this.url.href}#${typeof client === 'string' ? client : key}`, key);
    this.frames.set(key, conn);
    return conn;
  }

  start(key: string, conn: VirtualConnection): void {
    this.running.set(key, conn);
    conn.running++;
  }

  /** The call of entry `key` is over; returns its connection if it was running. */
  finished(key: string, now: number): VirtualConnection | undefined {
    const conn = this.running.get(key);
    if (conn === undefined) return undefined;
    this.running.delete(key);
    conn.running--;
    conn.lastActive = now;
    return conn;
  }

  /** Close callers' connections idle for long (all idle ones once closing). */
  closeIdle(now: number): void {
    for (const conn of [...this.callers.values()]) {
      if (conn.running === 0 && (this.#closing || now - conn.lastActive > IDLE_MS)) conn.close();
    }
  }

  drain(): void {
    for (const conn of this.callers.values()) conn.drain();
  }

  /** Close the idle connections now; resolves once core has closed the others (after their calls). */
  closeAll(): Promise<void> {
    this.#closing = true;
    const closed = new Promise<void>((resolve) => (this.#allClosed = resolve));
    this.closeIdle(0);
    this.#check();
    return closed;
  }

  #open(address: string, entryKey: string | undefined): VirtualConnection {
    const peer = { transport: 'file', address };
    const conn = new VirtualConnection(peer, this.maxFrameBytes, entryKey, this.events.send, this.#closed, this.logger);
    conn.handler = this.accept(conn);
    return conn;
  }

  readonly #closed = (conn: VirtualConnection): void => {
    if (conn.entryKey !== undefined) this.frames.delete(conn.entryKey);
    for (const [key, c] of this.callers) if (c === conn) this.callers.delete(key);
    const running = [...this.running].filter(([, c]) => c === conn).map(([key]) => key);
    this.events.closed(running);
    this.#check();
  };

  #check(): void {
    if (this.#closing && this.callers.size === 0 && this.frames.size === 0) this.#allClosed?.();
  }
}
