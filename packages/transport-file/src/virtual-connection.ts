/**
 * The server side of the seam is connection-shaped; a shared file has no
 * connections, only entries. The server presents each caller (the entries
 * of one client connection; all the seed-style callers together) as a
 * virtual connection, and each `frame` entry as a connection of its own.
 * Entry keys are the request ids, so calls from different programs never
 * collide on one connection.
 */
import type { Connection, FrameHandler, Logger, Peer } from '@interoffice/core';

export class VirtualConnection implements Connection {
  handler: FrameHandler | undefined;
  closed = false;
  /** Calls of this connection the server is running. */
  running = 0;
  /** When a call last started or finished here (epoch ms). */
  lastActive = Date.now();
  /** Whether `send` reported backpressure since the last drain. */
  blocked = false;

  constructor(
    readonly peer: Peer,
    readonly maxFrameBytes: number,
    /** For a `frame` entry's connection: that entry's key. */
    readonly entryKey: string | undefined,
    private readonly sink: (conn: VirtualConnection, frame: string) => boolean,
    private readonly onClose: (conn: VirtualConnection) => void,
    private readonly logger: Logger,
  ) {}

  /** Core sends a frame to the caller: it goes into the caller's entry with the next cycle. */
  send(frame: string): boolean {
    if (this.closed) return false;
    const ok = this.sink(this, frame);
    if (!ok) this.blocked = true;
    return ok;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose(this);
    this.handler?.closed();
  }

  /** Hand core one frame read from the file. */
  deliver(frame: string): void {
    if (this.closed) return;
    try {
      this.handler?.frame(frame);
    } catch (e) {
      this.logger.error(`frame from ${this.peer.address} failed`, e);
    }
  }

  /** Hand core the head of an entry too large to read. */
  oversized(head: string, bytes: number): void {
    if (!this.closed) this.handler?.oversized(head, bytes);
  }

  /** The backlog cleared: let streams go on. */
  drain(): void {
    if (!this.blocked || this.closed) return;
    this.blocked = false;
    this.handler?.drain();
  }
}
