/**
 * The third shape of the seam: a transport with call semantics of its own
 * (gRPC). Its client side is a {@link Channel}; its server side hands each
 * call to core's engine through {@link CallServer}, which validates, runs
 * middleware and the handler, enforces the deadline and maps errors — the
 * same engine every frame and message session runs its calls on.
 */
import type { Channel } from './call.js';
import type { RpcError } from './error.js';
import type { Metadata } from './metadata.js';
import type { ServiceDescriptor } from './service.js';
import type { FrameTransport, Listener, MessageTransport, Peer } from './transport.js';
import type { KeepaliveOptions } from './client/keepalive.js';

/**
 * What a call-level transport sets when the caller goes away or cancels. An
 * `AbortSignal` will do; a transport may pass something lighter.
 */
export interface CancelSignal {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
}

/** One call as a call-level transport receives it. */
export interface IncomingCall {
  /** The method's qualified or short name. */
  readonly method: string;
  /** Wire params: an object, an array (positional) or undefined. */
  readonly params: unknown;
  readonly meta: Metadata;
  /** Epoch milliseconds; `Infinity` for none. */
  readonly deadline: number;
  readonly peer: Peer;
  /** Aborted by the transport when the caller goes away or cancels. */
  readonly signal?: CancelSignal;
}

/** How a call ended: a wire result, or a public error; with the response metadata. */
export type CallOutcome =
  | { readonly result: unknown; readonly error?: undefined; readonly meta: Metadata | undefined }
  | { readonly error: RpcError; readonly meta: Metadata | undefined };

/** Core's engine as a call-level transport sees it. */
export interface CallServer {
  /** The services served, for reflection and health services. */
  readonly services: readonly ServiceDescriptor[];
  /** Run a unary call (or a notification, whose result is ignored). Never rejects. */
  unary(incoming: IncomingCall): Promise<CallOutcome>;
  /**
   * Run a server-streaming call: each checked, encoded item goes to `sink`
   * (which may return a promise for backpressure); resolves when the stream
   * ends, with `result` null, or with the error that ended it. Never rejects.
   */
  stream(incoming: IncomingCall, sink: (wire: unknown) => void | Promise<void>): Promise<CallOutcome>;
}

/** A transport with its own call semantics. */
export interface CallTransport {
  readonly kind: 'calls';
  readonly schemes: readonly string[];
  /**
   * A channel to the server at `url`; rejects with UNAVAILABLE when nobody
   * answers, unless `lazy`: then it connects at the first call. `keepalive`:
   * notice a silent server as `connect`'s option says.
   */
  connect(url: URL, options?: { readonly lazy?: boolean; readonly keepalive?: KeepaliveOptions }): Promise<Channel>;
  /**
   * Serve the engine's methods at `url`. The listener's `close` stops
   * accepting calls; calls in flight are ended by core.
   */
  listen(url: URL, server: CallServer): Promise<Listener>;
}

/** Any transport, in any of the three shapes. */
export type Transport = FrameTransport | MessageTransport | CallTransport;
