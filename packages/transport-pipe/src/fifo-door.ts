/**
 * Messages written straight to the requests FIFO, as the seed's Bob writes
 * to Alice's pipe (`echo '{"jsonrpc":"2.0","method":"note",…}' > requests`):
 * the server runs them like any other, but has no way to answer. They are
 * served as one more connection whose responses are reported to the logger
 * and dropped, so a notification works and a call is explained, not lost
 * silently.
 */
import type { Connection, FrameHandler, Logger, Peer } from '@interoffice/core';

export class DoorConnection implements Connection {
  readonly maxFrameBytes: number;
  readonly peer: Peer;
  readonly #logger: Logger;
  readonly #path: string;
  #handler: FrameHandler | undefined;
  #closed = false;

  constructor(path: string, maxFrameBytes: number, logger: Logger) {
    this.#path = path;
    this.#logger = logger;
    this.maxFrameBytes = maxFrameBytes;
    this.peer = { transport: 'fifo', address: path };
  }

  attach(handler: FrameHandler): void {
    this.#handler = handler;
  }

  /** A line that arrived on the requests FIFO and is not an opening. */
  frame(line: string): void {
    if (!this.#closed) this.#handler?.frame(line);
  }

  send(frame: string): boolean {
    this.#logger.warn(
      `no way to answer a message written straight to ${this.#path} (open a connection for calls; see docs/transports/pipe.md): ${frame.slice(0, 200)}`,
    );
    return true;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#handler?.closed();
  }
}
