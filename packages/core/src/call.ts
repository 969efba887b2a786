/**
 * The call model every transport carries: what a call is on each side, and
 * the one middleware shape shared by clients and servers.
 */
import type { ErrorClass } from './error.js';
import type { HealthStatus } from './health.js';
import type { Metadata } from './metadata.js';
import type { MethodDescriptor, MethodKind } from './service.js';
import type { Peer } from './transport.js';

/** Per-call options of a client method. */
export interface CallOptions {
  /** Milliseconds to wait; the client's default (30 s) when neither this nor `deadline` is given. `Infinity` waits forever. */
  timeout?: number;
  /**
   * When to stop waiting, as a time (a `Date`, or epoch milliseconds), for
   * a deadline that comes from elsewhere (the caller's own). With `timeout`
   * too, the earlier of the two.
   */
  deadline?: Date | number;
  /** Aborting it cancels the call, on both sides. */
  signal?: AbortSignal;
  /** Request metadata. */
  meta?: Metadata;
  /** Called with the response metadata, when the server sent any. */
  onResponseMeta?: (meta: Metadata) => void;
  /**
   * When the connection is down: `false` (default) fails the call at once
   * with UNAVAILABLE; `true` keeps reconnecting until the deadline.
   */
  waitForReady?: boolean;
  /**
   * The context of the handler making this call (its `ctx`): the call
   * inherits what is left of its deadline, its cancellation, and — through
   * middleware such as `@interoffice/otel` — its trace. `inherit` turns each
   * off.
   */
  parent?: CallContext;
  /** What the call takes from `parent`; each is `true` unless set `false`. */
  inherit?: Inheritance;
}

/** What a call takes from its `parent` context (see {@link CallOptions.parent}). */
export interface Inheritance {
  /**
   * The parent's deadline: the call's is the earlier of the two; with no
   * `timeout` or `deadline` of its own, the parent's replaces the client's default.
   */
  deadline?: boolean;
  /** The parent's cancellation: the call is cancelled when the parent's signal aborts. */
  cancel?: boolean;
  /**
   * What middleware carries across hops (the trace): `false` makes the
   * call's `Call.parent` `null`, so tracing starts a new trace.
   */
  trace?: boolean;
}

/**
 * A call as a {@link Channel} receives it: the input already encoded to its
 * wire (JSON) form, and an absolute deadline.
 */
export interface ChannelCall {
  /** The name sent on the wire, normally the qualified name. */
  readonly method: string;
  readonly kind: MethodKind;
  /** The method, when the call came through a typed client (gRPC needs it). */
  readonly descriptor: MethodDescriptor | undefined;
  /** Encoded params: an object, an array, or `undefined` for none (and for the kinds that take a stream). */
  readonly params: unknown;
  /** For `clientStream` and `bidiStream`: the inputs, each in its wire form, read as the server grants credit. */
  readonly inputs?: AsyncIterable<unknown>;
  readonly meta: Metadata | undefined;
  /** Epoch milliseconds; `Infinity` for none. */
  readonly deadline: number;
  readonly signal: AbortSignal | undefined;
  readonly waitForReady: boolean;
  readonly onResponseMeta: ((meta: Metadata) => void) | undefined;
  /** The service's error classes, so errors arrive as their own class. */
  readonly errors: ReadonlyMap<string, ErrorClass> | undefined;
  /** A resumable stream resumed: the id of the last item the caller got (sent as `resumeAfter`). */
  readonly resumeAfter?: string | undefined;
  /**
   * Turns the wire result (or each stream item, with the item's id when the
   * server sent one) into the typed value; throws an RpcError when it does
   * not fit. The channel settles the call with its return value, so a call
   * costs one promise, not two.
   */
  readonly decode: (wire: unknown, itemId?: string) => unknown;
}

/**
 * The client side's view of a connection to a server, at the level of calls.
 * Core implements it over any frame transport; gRPC implements it over
 * grpc-js. A channel settles every call by its deadline.
 */
export interface Channel {
  /** A unary call: resolves with the decoded result. */
  unary(call: ChannelCall): Promise<unknown>;
  /** A server-streaming call: the decoded items; leaving the loop cancels the call. */
  stream(call: ChannelCall): AsyncIterable<unknown>;
  /** A notification: resolves once it has been handed to the transport. */
  notify(call: ChannelCall): Promise<void>;
  /** Close the channel; calls still pending fail with CANCELLED. */
  close(): Promise<void>;
  /** The server, as the client addresses it (`address`: its URL), for middleware (tracing). */
  readonly peer?: Peer;
  /**
   * Ask the server whether it serves `service` (`''`: at all), in the
   * transport's own health protocol (gRPC's grpc.health.v1). Channels
   * without it are asked core's `rpc.health` method.
   */
  health?(check: {
    readonly service: string;
    readonly deadline: number;
    readonly signal?: AbortSignal | undefined;
  }): Promise<HealthStatus>;
}

/** What a handler learns about its call, besides the input. */
export interface CallContext {
  readonly method: MethodDescriptor;
  /** Aborted when the caller cancels, the deadline passes or the connection drops. */
  readonly signal: AbortSignal;
  /** Epoch milliseconds; `Infinity` when the call has none. */
  readonly deadline: number;
  /** The request metadata. */
  readonly meta: Readonly<Metadata>;
  /** Entries set here are sent back with the response. */
  readonly responseMeta: Metadata;
  /** The caller, as the transport knows it. */
  readonly peer: Peer;
  /**
   * A resumable stream resumed after a dropped connection: the id of the
   * last item the caller got. The handler yields what follows it; unset on
   * a stream's first call.
   */
  readonly resumeAfter?: string | undefined;
}

/** A call as middleware sees it, on either side. */
export interface Call {
  readonly side: 'client' | 'server';
  readonly method: MethodDescriptor;
  /** The typed input (before encoding on the client, after decoding on the server). */
  readonly input: unknown;
  /** Request metadata: client middleware may add entries. */
  readonly meta: Metadata;
  /** Response metadata: server middleware may add entries. */
  readonly responseMeta: Metadata;
  readonly deadline: number;
  readonly signal: AbortSignal;
  /** The other end: the caller on the server; on the client the server, when the channel says (`address`: its URL). */
  readonly peer: Peer | undefined;
  /**
   * Client side: the handler context the call is made from (the `parent`
   * call option), for middleware that carries values across hops, as
   * tracing does; `null` when the call opted out (`inherit: { trace: false }`):
   * start afresh, ignoring any ambient context; `undefined` when none was given.
   */
  readonly parent?: CallContext | null;
}

/**
 * Middleware wraps a call, on the client or the server, the same way for
 * every transport: it may read or add metadata, time the call, translate
 * errors. `next()` resolves with the output (an `AsyncIterable` for server
 * streams, `undefined` for notifications).
 */
export interface Middleware {
  (call: Call, next: () => Promise<unknown>): Promise<unknown>;
  /**
   * Optional: true when, for `call`, this middleware would do nothing but return `next()` (a
   * tracer with nothing to record). When every middleware of a call says so, core runs the
   * call as it would with none, keeping its synchronous fast path (a middleware costs a
   * promise per call on the server otherwise). Synchronous, and it must keep nothing: on the
   * client the call it is given is a probe, valid only during the check (no object is made for
   * a call that every middleware passes through).
   */
  readonly passesThrough?: (call: Call) => boolean;
}

/** True when every middleware says it would only pass `call` through. */
export function allPassThrough(middleware: readonly Middleware[], call: Call): boolean {
  for (const mw of middleware) if (mw.passesThrough?.(call) !== true) return false;
  return true;
}

/** Run `final` inside `middleware`, outermost first. */
export function runMiddleware(middleware: readonly Middleware[], call: Call, final: () => Promise<unknown>): Promise<unknown> {
  const step = (i: number): Promise<unknown> => {
    const mw = middleware[i];
    return mw === undefined ? final() : mw(call, () => step(i + 1));
  };
  return step(0);
}

/** A signal that never aborts, for calls made without one. */
export const neverAborted: AbortSignal = new AbortController().signal;
