/**
 * The one engine every call runs on, whatever brought it: frame and message
 * sessions and call-level transports (gRPC) hand it their calls. It decodes
 * and validates the params, runs the middleware and the handler, checks the
 * output, and ends each call exactly once — with the handler's answer, at
 * its deadline, on a cancel, or when the server closes. One table of calls
 * in flight, one deadline timer, one shutdown, for every transport.
 */
import type { Middleware } from '../call.js';
import type { CallOutcome, CallServer, IncomingCall } from '../call-transport.js';
import { CallTable } from '../call-table.js';
import { DeadlineTimer } from '../deadline-timer.js';
import { RpcError } from '../error.js';
import type { Logger } from '../logger.js';
import type { Metadata } from '../metadata.js';
import { givesStream, type ServiceDescriptor } from '../service.js';
import type { Route, Router } from './router.js';
import { encodeOutput, invoke, isThenable, publicError, pumpItems, ServerCall, type CallSink } from './server-call.js';

/** What the engine needs of the server. */
export interface EngineOptions {
  readonly router: Router;
  readonly middleware: readonly Middleware[];
  readonly logger: Logger;
}

const deadlinePassed = (): RpcError => new RpcError('DEADLINE_EXCEEDED', 'deadline exceeded');
/**
 * A caller's cancel this close to the call's deadline is its deadline: the
 * caller's timer and ours fire at nearly the same moment, and its cancel
 * (or grpc-js's own 'cancelled' at the deadline) often arrives first. The
 * handler's signal then says DEADLINE_EXCEEDED, as it would had ours won.
 */
const DEADLINE_SLACK_MS = 20;

/** Why a call its caller cancelled stops: the deadline, when it is (nearly) upon us. */
export function cancelReason(deadline: number): RpcError {
  return goneReason(deadline, new RpcError('CANCELLED', 'cancelled by the caller'));
}

/**
 * Why a call stops when its caller cancels or goes away: `reason`, or the deadline when it is
 * (nearly) upon us — a client that gives up at its deadline may close its connection (an
 * aborted HTTP request) as its way to say so.
 */
export function goneReason(deadline: number, reason: RpcError): RpcError {
  return Date.now() + DEADLINE_SLACK_MS >= deadline ? deadlinePassed() : reason;
}

export class Engine implements CallServer {
  readonly router: Router;
  readonly #middleware: readonly Middleware[];
  readonly #logger: Logger;
  /** Calls not answered at once, by a counting key (the table's fast path). */
  readonly #inflight = new CallTable<ServerCall, number>();
  #nextKey = 0;
  readonly #deadlines = new DeadlineTimer(
    this.#inflight,
    (call) => call.deadline,
    (_key, call) => this.stop(call, deadlinePassed()),
  );
  #closing = false;
  #idle: (() => void) | undefined;

  constructor(opts: EngineOptions) {
    this.router = opts.router;
    this.#middleware = opts.middleware;
    this.#logger = opts.logger;
  }

  get services(): ServiceDescriptor[] {
    return this.router.services;
  }

  /** True once the server is closing: new calls are refused with UNAVAILABLE. */
  get closing(): boolean {
    return this.#closing;
  }

  /**
   * Run `call` of `route` with wire `params`. `sink` hears its items and its
   * end, exactly once — synchronously when the handler answered at once.
   */
  run(route: Route, call: ServerCall, params: unknown, sink: CallSink): void {
    let out: unknown;
    try {
      out = invoke(route, call, params, this.#middleware);
    } catch (e) {
      call.ended = true;
      return sink.error(call, publicError(e, route.method, this.#logger));
    }
    if (givesStream(route.method.kind)) {
      this.#track(call, sink);
      void this.#pump(call, out);
    } else if (isThenable(out)) {
      this.#track(call, sink);
      out.then(
        (value) => this.#finish(call, value),
        (e: unknown) => this.#end(call, publicError(e, route.method, this.#logger)),
      );
    } else {
      // Answered at once (most calls): no table, no deadline, no cancellation to wire.
      call.ended = true;
      let wire: unknown;
      try {
        wire = encodeOutput(route.method, out, this.#logger);
      } catch (e) {
        return sink.error(call, publicError(e, route.method, this.#logger));
      }
      sink.result(call, wire);
    }
  }

  /**
   * End `call` early with `reason` — a cancel, its deadline, its caller gone,
   * the server closing: its handler's signal aborts and its sink hears `reason`.
   * Nothing happens if it has ended already.
   */
  stop(call: ServerCall, reason: RpcError): void {
    if (call.ended) return;
    call.abort(reason);
    this.#end(call, reason);
  }

  /** Refuse new calls; resolves when the calls in flight are done. */
  shutdown(): Promise<void> {
    this.#closing = true;
    if (this.#inflight.size === 0) return Promise.resolve();
    return new Promise((resolve) => (this.#idle = resolve));
  }

  /** Stop every call still in flight with `reason` (the server's grace period is over). */
  stopAll(reason: RpcError): void {
    for (const call of this.#inflight.values()) this.stop(call, reason);
  }

  unary(incoming: IncomingCall): Promise<CallOutcome> {
    return this.#outcome(incoming, undefined);
  }

  stream(incoming: IncomingCall, sink: (wire: unknown) => void | Promise<void>): Promise<CallOutcome> {
    return this.#outcome(incoming, sink);
  }

  /** A call-level transport's call, with its outcome as a promise (the transport's own model). */
  #outcome(incoming: IncomingCall, items: ((wire: unknown) => void | Promise<void>) | undefined): Promise<CallOutcome> {
    const refused = (error: RpcError): Promise<CallOutcome> => Promise.resolve({ error, meta: undefined });
    const route = this.router.resolve(incoming.method);
    if (route instanceof RpcError) return refused(route);
    if (this.#closing) return refused(new RpcError('UNAVAILABLE', 'the server is shutting down'));
    if (incoming.deadline <= Date.now())
      return refused(new RpcError('DEADLINE_EXCEEDED', 'the deadline passed before the call started'));
    if (incoming.signal?.aborted) return refused(new RpcError('CANCELLED', 'cancelled by the caller'));
    const call = new ServerCall(route.method, incoming.meta, incoming.deadline, incoming.peer);
    return new Promise<CallOutcome>((resolve) => {
      const meta = (): Metadata | undefined => call.responseMetaIfSet;
      this.run(route, call, incoming.params, {
        item: (_call, wire) => items?.(wire),
        result: (_call, wire) => resolve({ result: wire, meta: meta() }),
        error: (_call, error) => resolve({ error, meta: meta() }),
      });
      if (!call.ended) {
        incoming.signal?.addEventListener('abort', () => this.stop(call, cancelReason(incoming.deadline)), { once: true });
      }
    });
  }

  #track(call: ServerCall, sink: CallSink): void {
    call.sink = sink;
    // Counting keys take the table's fast path; after wrapping, skip any a long call still holds.
    let key: number;
    do key = this.#nextKey = (this.#nextKey + 1) & 0x3fffffff;
    while (this.#inflight.has(key));
    call.key = key;
    this.#inflight.set(key, call);
    if (call.deadline !== Infinity) this.#deadlines.track(call.deadline);
  }

  #finish(call: ServerCall, value: unknown): void {
    if (call.ended) return;
    let wire: unknown;
    try {
      wire = encodeOutput(call.method, value, this.#logger);
    } catch (e) {
      return this.#end(call, publicError(e, call.method, this.#logger));
    }
    this.#end(call, undefined, wire);
  }

  /** The end of a tracked call: an error, or (when `error` is undefined) the result `wire`. */
  #end(call: ServerCall, error: RpcError | undefined, wire?: unknown): void {
    if (call.ended) return;
    call.ended = true;
    if (call.key !== -1) {
      this.#inflight.delete(call.key);
      call.key = -1;
      if (this.#inflight.size === 0) this.#idle?.();
    }
    const sink = call.sink as CallSink;
    call.sink = undefined;
    if (error !== undefined) sink.error(call, error);
    else sink.result(call, wire);
  }

  async #pump(call: ServerCall, out: unknown): Promise<void> {
    try {
      await pumpItems(call, out, call.sink as CallSink, this.#logger);
      this.#end(call, undefined, null);
    } catch (e) {
      this.#end(call, publicError(e, call.method, this.#logger));
    }
  }
}
