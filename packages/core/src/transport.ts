/**
 * The transport seam: the only thing a transport implements.
 *
 * A transport moves frames — one JSON-RPC envelope each, as text — between
 * a client and a server, and reports when a connection ends. It never
 * validates, never maps errors, never implements deadlines or retries:
 * core does that once for every transport.
 *
 * One transport has wire semantics of its own: gRPC. It is a
 * {@link CallTransport}, which maps core's call model (deadline, metadata,
 * status) onto its protocol instead of carrying the envelope.
 */
import type { Channel } from './call.js';
import type { Dispatcher } from './server/dispatcher.js';

/** Who is on the other end of a connection, as far as the transport knows. */
export interface Peer {
  /** The transport's URL scheme: `unix`, `tcp`, `memory`, ... */
  readonly transport: string;
  /** The peer's address in the transport's terms (`127.0.0.1:53412`, a socket path). */
  readonly address: string;
  /** Set when the transport verified the peer's shared key. */
  readonly authenticated?: boolean;
}

/** What core gives a transport for each connection: where to deliver what arrives. */
export interface FrameHandler {
  /** One whole frame arrived. */
  frame(frame: string): void;
  /**
   * A frame larger than {@link Connection.maxFrameBytes} arrived and was
   * dropped. `head` is its first bytes, from which core may read the id.
   */
  oversized(head: string, bytes: number): void;
  /** The connection can take frames again after `send` returned false. */
  drain(): void;
  /**
   * The connection ended. `error` says why when it was not a plain close
   * (an RpcError with UNAVAILABLE, UNAUTHENTICATED, ...).
   */
  closed(error?: Error): void;
}

/** One end of an open connection. */
export interface Connection {
  /**
   * Queue one frame (no newline or length prefix: framing is the
   * transport's). Returns false when the transport's buffer is full: the
   * caller should wait for {@link FrameHandler.drain} before sending more
   * stream items.
   */
  send(frame: string): boolean;
  /** Close the connection; the handler's `closed` is called. */
  close(): void;
  /** The largest frame, in UTF-8 bytes, this connection sends or receives. */
  readonly maxFrameBytes: number;
  /** The other end. */
  readonly peer: Peer;
}

/** A listening endpoint. */
export interface Listener {
  /** The address actually bound (a real port for `tcp://127.0.0.1:0`). */
  readonly url: URL;
  /** Stop accepting connections and close the ones open. */
  close(): Promise<void>;
}

/** A frame transport: the URL schemes it serves, and how to connect and listen. */
export interface FrameTransport {
  readonly kind?: 'frames';
  /** URL schemes without the colon, e.g. `['unix', 'tcp']`. */
  readonly schemes: readonly string[];
  /**
   * Open one connection to `url`. Rejects with an RpcError (UNAVAILABLE when
   * nobody answers, UNAUTHENTICATED when a handshake fails).
   */
  connect(url: URL, handler: FrameHandler): Promise<Connection>;
  /**
   * Accept connections at `url`. `accept` is called once per new
   * connection and returns the handler for its frames.
   */
  listen(url: URL, accept: (connection: Connection) => FrameHandler): Promise<Listener>;
}

/**
 * A transport with call semantics of its own (gRPC). Its client side is a
 * {@link Channel}; its server side hands each call to core's
 * {@link Dispatcher}, which validates, runs middleware and the handler,
 * enforces the deadline and maps errors.
 */
export interface CallTransport {
  readonly kind: 'calls';
  readonly schemes: readonly string[];
  /** A channel to the server at `url`; rejects with UNAVAILABLE when nobody answers. */
  connect(url: URL): Promise<Channel>;
  /**
   * Serve the dispatcher's methods at `url`. The listener's `close` stops
   * accepting calls; calls in flight are ended by core.
   */
  listen(url: URL, dispatcher: Dispatcher): Promise<Listener>;
}

/** Any transport. */
export type Transport = FrameTransport | CallTransport;
