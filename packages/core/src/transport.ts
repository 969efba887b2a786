/**
 * The transport seam: the only thing a transport implements, in one of
 * three shapes.
 *
 * - A {@link FrameTransport} moves frames — one JSON-RPC envelope each, as
 *   text — over a connection per client (socket, pipe, shm).
 * - A {@link MessageTransport} moves addressed messages between callers and
 *   servers over a shared medium (a queue, a file, a broker subject). Core
 *   owns what such media otherwise each write again: the logical connection
 *   per caller, cancel routing, refusals, expiry and queue-time aging.
 * - A call transport (gRPC, `call-transport.ts`) has call semantics of its
 *   own and maps core's call model onto them.
 *
 * A transport never validates, never maps errors, never implements
 * deadlines or retries, and never reads or writes the envelope: core does
 * that once for every transport, and tells the transport what it needs to
 * know of each message. This file is the ground floor: it imports nothing.
 */

/** Who is on the other end of a connection, as far as the transport knows. */
export interface Peer {
  /** The transport's URL scheme: `unix`, `tcp`, `memory`, ... */
  readonly transport: string;
  /** The peer's address in the transport's terms (`127.0.0.1:53412`, a socket path). */
  readonly address: string;
  /** Set when the transport verified the peer's shared key. */
  readonly authenticated?: boolean;
}

/** A listening endpoint. */
export interface Listener {
  /** The address actually bound (a real port for `tcp://127.0.0.1:0`). */
  readonly url: URL;
  /** Stop accepting connections and messages; resolves once the transport has let go. */
  close(): Promise<void>;
}

// ─── Frames: a connection per client ────────────────────────────────────────

/** What core gives a frame transport for each connection: where to deliver what arrives. */
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

/**
 * How far a stream may run ahead of what its receiver has taken, in items: each side grants
 * credit as it takes, and a sender waits at none.
 */
export interface StreamWindows {
  /** Server-stream items a caller lets the server send ahead (core's default: 64). */
  readonly items: number;
  /** Inputs of a client or bidi stream a server lets the caller send ahead (core's default: 16). */
  readonly inputs: number;
}

/** A frame transport: the URL schemes it serves, and how to connect and listen. */
export interface FrameTransport {
  readonly kind?: 'frames';
  /** URL schemes without the colon, e.g. `['unix', 'tcp']`. */
  readonly schemes: readonly string[];
  /**
   * Optional: wider stream windows than core's defaults, for a medium where a grant that finds
   * its sender asleep costs more than the items between grants (a futex wake-up on shared
   * memory): a wider window means fewer grants per item, and more items held in memory.
   */
  readonly windows?: StreamWindows;
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

// ─── Messages: addressed messages over a shared medium ──────────────────────

/** A JSON-RPC request id. */
export type RequestId = string | number | null;

/**
 * One request member by member, for a medium that stores requests in a
 * record format of its own (the shared file's entries) rather than as text.
 */
export interface RequestFields {
  /** Absent for a notification. */
  readonly id?: RequestId;
  /** The method's qualified or short name. */
  readonly method: string;
  /** Named (an object) or positional (an array) params; absent for none. */
  readonly params?: unknown;
  readonly meta?: Readonly<Record<string, string>>;
  /** Milliseconds the caller will wait, counted from sending; absent for no limit. */
  readonly timeout?: number;
  /** A resumable stream resumed: the id of the last item the caller got. */
  readonly resumeAfter?: string;
}

/**
 * A request a medium read from its own record format, for core to check:
 * any member may be missing or of the wrong type (core answers with the
 * error it names, as it would for such a frame).
 */
export interface RequestRecord {
  /** A call has an `id` member (even `null`); a notification has none. */
  readonly id?: unknown;
  readonly method?: unknown;
  readonly params?: unknown;
  readonly meta?: unknown;
  readonly timeout?: unknown;
  readonly resumeAfter?: unknown;
}

/** One response member by member: exactly one of `result`, `error` or `item`. */
export interface ResponseFields {
  readonly id: RequestId;
  readonly result?: unknown;
  readonly error?: { readonly code: number; readonly message: string; readonly data?: unknown };
  /** One server-stream item; the stream ends with a `result` (null) or an `error`. */
  readonly item?: unknown;
  /** A resumable stream's item id, beside its `item`. */
  readonly itemId?: string;
  readonly meta?: Readonly<Record<string, string>>;
}

/** A request core hands a message medium to send (client side). */
export interface OutgoingRequest {
  /** The envelope as JSON text: what a medium that carries messages whole sends. */
  readonly text: string;
  /** The ids of the calls it opens: empty for a notification. */
  readonly ids: readonly RequestId[];
  /** When its caller stops waiting (epoch ms; `Infinity` for never). */
  readonly deadline: number;
  /**
   * The request member by member, for a medium with a record format of its
   * own; undefined when the message is not one well-formed request (a
   * batch, or a frame a raw peer sent as it is).
   */
  readonly fields: RequestFields | undefined;
}

/** What core gives a message medium for each client connection: where answers go. */
export interface MessageHandler {
  /**
   * An answer arrived: envelope text (a response, a stream item, or a
   * batch's answer), or one response member by member.
   */
  response(response: string | ResponseFields): void;
  /**
   * An answer larger than the frame limit arrived and was dropped: its
   * first bytes (from which core reads the id), or its id when the medium knows it.
   */
  oversized(bytes: number, head: string | { readonly id: RequestId }): void;
  /** `request` was not handed to any server (queue full, medium down): core fails its calls with `error`. */
  refused(request: OutgoingRequest, error: Error): void;
  /** The connection ended; `error` says why when it was not a plain close. */
  closed(error?: Error): void;
}

/** A client's connection to a message medium. */
export interface MessageConnection {
  /** Hand `request` to the medium. Whatever stops it reaching a server is reported through `refused`. */
  send(request: OutgoingRequest): void;
  /** The caller gave up on call `id` (deadline, abort, a stream left early): tell whoever runs it. */
  cancel(id: RequestId): void;
  /**
   * Optional: the caller took `n` more items of server stream `id`, so whoever runs it may send
   * `n` more ({@link MessageServer.credit} on its side). Carried as `cancel` is, not as a request:
   * it must reach the server running the call. Only a medium that has it gets credit asked for
   * (the request's `credit`, in its `text`: not among its `fields`); elsewhere a stream's items
   * are held back by the medium's backpressure alone.
   */
  credit?(id: RequestId, n: number): void;
  /**
   * Optional, for a medium without {@link credit} whose own backpressure holds the server back
   * once the client stops reading (HTTP: a response body read no further than the caller
   * takes): the caller took `n` more items of server stream `id`. Nothing is sent and no
   * credit is asked for; the connection paces its reading by it.
   */
  taken?(id: RequestId, n: number): void;
  /**
   * Optional: prove the medium still answers (Redis: a PING on the connection's command link),
   * resolving when it has. Keepalive (`connect(url, { keepalive })`) calls it while calls wait and
   * nothing has arrived; one that does not resolve in time fails them UNAVAILABLE and drops the
   * connection. Media without it are not watched.
   */
  ping?(): Promise<void>;
  /** Close: the medium tells servers this caller left. The handler's `closed` is called. */
  close(): void;
  /**
   * Optional: what the medium knows of why a call may have got no answer
   * (`no worker has been seen on queue calc`), added to its deadline error.
   */
  whyUnanswered?(): string | undefined;
  /** The largest message, in UTF-8 bytes, this connection sends or receives. */
  readonly maxFrameBytes: number;
  readonly peer: Peer;
}

/** A response (or a batch's answer) core hands a message medium (server side). */
export interface Answer {
  /** The envelope as JSON text, within the frame limit. */
  readonly text: string;
  /** A single response member by member; undefined for a batch's answer. */
  readonly fields: ResponseFields | undefined;
  /** The latest deadline of the calls it answers (epoch ms; `Infinity` for none): past it, nobody waits for it. */
  readonly deadline: number;
}

/**
 * One message a medium delivered to a server, and the way back to its
 * caller. The medium implements it (typically its own record of the
 * message: a queue entry, a file entry); core calls exactly one of `end`
 * or `abandon` on every delivery, and `item` only before that.
 */
export interface Delivery {
  /** Who sent it: the messages of one caller share a logical connection (their call ids are the caller's). */
  readonly caller: string;
  /** The caller as the medium knows it (used for the caller's first delivery). */
  readonly peer: Peer;
  /**
   * The message: envelope text (a request, a notification, a batch), or one
   * request the medium read from its own record. For a message over the
   * frame limit ({@link tooLarge}), its first bytes or the id it carries.
   */
  readonly body: string | RequestRecord;
  /** Set when the message was larger than the frame limit, to its size in bytes: it was not read whole. */
  readonly tooLarge?: number;
  /** Milliseconds the message waited in the medium before delivery: core takes them off its `timeout`. */
  readonly waitedMs: number;
  /**
   * The medium's own limit on this message's answers, in bytes, when it is below the transport's
   * `maxFrameBytes` (a NATS server's `max_payload`, an MQTT broker's maximum packet size): a larger answer becomes a RESOURCE_EXHAUSTED error.
   */
  readonly maxAnswerBytes?: number;
  /**
   * The medium took the message in a way that must change nothing (an HTTP GET): core runs
   * only methods marked `idempotency: 'noSideEffects'` and answers the others FAILED_PRECONDITION.
   */
  readonly readOnly?: boolean;
  /**
   * Metadata the medium carried beside the message (HTTP headers), for every request in it:
   * under each request's own `meta`, whose keys win.
   */
  readonly meta?: Readonly<Record<string, string>>;
  /**
   * Milliseconds the medium gave the message beside it (an HTTP header), counted from its
   * arrival: each request of it gets the earlier of this and its own `timeout`.
   */
  readonly timeout?: number;
  /** A stream item for the caller. False: the medium is behind; core waits for {@link MessageServer.drain}. */
  item(answer: Answer): boolean;
  /** The message is done: its answer, or undefined when none is due (notifications, cancels, a caller who left). */
  end(answer: Answer | undefined): void;
  /**
   * The server stopped before answering (it is closing): the medium may give
   * the message to another server, or tell its caller.
   */
  abandon(): void;
}

/** Core's side of a message medium's server: where the medium hands what it reads. */
export interface MessageServer {
  /** A message arrived. Core answers through the delivery. */
  deliver(delivery: Delivery): void;
  /**
   * `caller` cancelled call `id`. It may not have arrived yet (a cancel can
   * overtake its request on some media): core remembers it for a minute.
   */
  cancel(caller: string, id: RequestId): void;
  /**
   * `caller` took `n` more items of its server stream `id` ({@link MessageConnection.credit}):
   * the call may send `n` more. Ignored when call `id` does not run here (every server of a
   * medium may hear it) or asked for no credit.
   */
  credit(caller: string, id: RequestId, n: number): void;
  /** `caller` left: its calls are aborted, their deliveries ended unanswered, and its later messages dropped. */
  left(caller: string): void;
  /**
   * Answer every call of `delivery` with `error` without running any (the
   * medium knows it must not run: a redelivered stream that had sent items,
   * say), then end it.
   */
  refuse(delivery: Delivery, error: Error): void;
  /** Stream items for `caller` (every caller when undefined) may flow again after `item` returned false. */
  drain(caller?: string): void;
}

/** A message transport: the URL schemes it serves, and how to connect and listen. */
export interface MessageTransport {
  readonly kind: 'messages';
  /** URL schemes without the colon, e.g. `['redis', 'rediss']`. */
  readonly schemes: readonly string[];
  /** The largest message, in UTF-8 bytes, either way. */
  readonly maxFrameBytes: number;
  /**
   * Optional, for a medium whose connections have `credit`: a wider item window than core's 64,
   * where a grant takes a broker round trip to reach the worker and a stream would wait for it.
   * (`inputs` is not used: calls that take a stream of inputs do not run on a shared medium.)
   */
  readonly windows?: StreamWindows;
  /** Open a client connection to `url`; rejects with an RpcError (UNAVAILABLE, UNAUTHENTICATED, ...). */
  connect(url: URL, handler: MessageHandler): Promise<MessageConnection>;
  /**
   * Serve at `url`: hand every message read to `server`. The listener's
   * `close` stops taking messages, then waits until core has ended or
   * abandoned every delivery (after the server's grace period), then lets go.
   */
  listen(url: URL, server: MessageServer): Promise<Listener>;
}
