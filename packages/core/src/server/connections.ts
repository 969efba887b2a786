/**
 * A server's frame connections: each gets a session; past the server's
 * `maxConnections` a new one is refused with RESOURCE_EXHAUSTED and
 * closed (so a peer opening connections without end cannot take every
 * file descriptor); with `idleTimeoutMs`, one without a call or a frame for
 * that long is closed.
 */
import { encodeError } from '../envelope.js';
import { RpcError } from '../error.js';
import type { Connection, FrameHandler, StreamWindows } from '../transport.js';
import { FrameSession } from './frame-session.js';
import type { SessionOptions } from './session.js';

/** Idle sweeps per idle timeout: a connection closes between 1 and 1¼ timeouts after it went quiet. */
const SWEEPS_PER_IDLE = 4;

const ignore: FrameHandler = { frame() {}, oversized() {}, drain() {}, closed() {} };

export class FrameConnections {
  readonly #sessions = new Set<FrameSession>();
  readonly #opts: SessionOptions;
  readonly #max: number;
  #sweeper: ReturnType<typeof setInterval> | undefined;
  #closed = false;
  /** Connections refused since the last time there was room: reported once, then counted. */
  #refused = 0;

  constructor(opts: SessionOptions, maxConnections: number, idleTimeoutMs: number) {
    this.#opts = opts;
    this.#max = maxConnections;
    if (idleTimeoutMs !== Infinity) {
      this.#sweeper = setInterval(() => this.#sweep(), idleTimeoutMs / SWEEPS_PER_IDLE).unref();
    }
  }

  /** What a frame transport's `listen` is given: the handler of each new connection, its calls' inputs held to `windows`. */
  acceptor(windows: StreamWindows | undefined): (conn: Connection) => FrameHandler {
    const opts = windows === undefined ? this.#opts : { ...this.#opts, inputWindow: windows.inputs };
    return (conn) => this.#accept(conn, opts);
  }

  #accept(conn: Connection, opts: SessionOptions): FrameHandler {
    if (this.#sessions.size >= this.#max) {
      const error = new RpcError(
        'RESOURCE_EXHAUSTED',
        `the server has ${this.#max} connections open (its maxConnections): try again later`,
      );
      if (this.#refused++ === 0) this.#opts.logger.warn(`refusing connections: ${this.#max} are open (maxConnections)`);
      conn.send(encodeError(null, error));
      conn.close();
      return ignore;
    }
    const session = new FrameSession(conn, opts, (s) => this.#closedOne(s));
    this.#sessions.add(session);
    if (this.#closed) queueMicrotask(() => session.close());
    return session;
  }

  /** Close every connection; calls still in flight are stopped. */
  close(): void {
    this.#closed = true;
    clearInterval(this.#sweeper);
    for (const s of [...this.#sessions]) s.close();
  }

  #closedOne(session: FrameSession): void {
    this.#sessions.delete(session);
    if (this.#refused > 0 && !this.#closed) {
      this.#opts.logger.warn(`refused ${this.#refused} connection(s) while ${this.#max} were open (maxConnections)`);
      this.#refused = 0;
    }
  }

  #sweep(): void {
    for (const s of [...this.#sessions]) if (s.session.quietFor(SWEEPS_PER_IDLE)) s.close();
  }
}
