/**
 * The server's call-level entry, for transports with their own call
 * semantics (gRPC): they hand over one call at a time — method, params,
 * metadata, deadline — and get its outcome back. Validation, middleware,
 * deadlines, output checks and error mapping are the same as on frame
 * transports.
 */
import { CallTable } from '../call-table.js';
import { DeadlineTimer } from '../deadline-timer.js';
import { RpcError } from '../error.js';
import type { Metadata } from '../metadata.js';
import type { ServiceDescriptor } from '../service.js';
import type { Peer } from '../transport.js';
import type { Route } from './router.js';
import { encodeOutput, invoke, isThenable, publicError, pumpItems, ServerCall } from './server-call.js';
import type { SessionOptions } from './session.js';

/**
 * What a call-level transport sets when the caller goes away or cancels. An
 * `AbortSignal` will do; a transport may pass something lighter (on gRPC an
 * AbortController per call cost ~8 µs of a ~50 µs call).
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

export class Dispatcher {
  readonly #opts: SessionOptions;
  readonly #inflight = new CallTable<ServerCall, number>();
  #nextKey = 0;
  readonly #deadlines = new DeadlineTimer(
    this.#inflight,
    (call) => call.deadline,
    (_key, call) => call.expire?.(),
  );
  #shuttingDown = false;
  #idle: (() => void) | undefined;

  constructor(opts: SessionOptions) {
    this.#opts = opts;
  }

  /** The services served, for reflection and health services. */
  get services(): ServiceDescriptor[] {
    return this.#opts.router.services;
  }

  /** The route for a method name, or UNIMPLEMENTED. */
  resolve(name: string): Route | RpcError {
    return this.#opts.router.resolve(name);
  }

  /** Run a unary call (or a notification, whose result is ignored). Never rejects. */
  unary(incoming: IncomingCall): Promise<CallOutcome> {
    return this.#run(incoming, (route, call) => invoke(route, call, incoming.params, this.#opts.middleware), (value, call) =>
      encodeOutput(call.method, value, this.#opts.logger),
    );
  }

  /**
   * Run a server-streaming call: each checked, encoded item goes to `sink`
   * (which may return a promise for backpressure); resolves when the stream
   * ends, with `result` null, or with the error that ended it. Never rejects.
   */
  stream(incoming: IncomingCall, sink: (wire: unknown) => void | Promise<void>): Promise<CallOutcome> {
    return this.#run(
      incoming,
      (route, call) => pumpItems(call, invoke(route, call, incoming.params, this.#opts.middleware), sink, this.#opts.logger),
      () => null,
    );
  }

  /** Refuse new calls; resolves when the calls in flight are done. */
  shutdown(): Promise<void> {
    this.#shuttingDown = true;
    if (this.#inflight.size === 0) return Promise.resolve();
    return new Promise((resolve) => (this.#idle = resolve));
  }

  /** Abort every call in flight (the server is closing). */
  abortAll(reason: RpcError): void {
    for (const call of this.#inflight.values()) call.expire?.(reason);
  }

  #run(
    incoming: IncomingCall,
    start: (route: Route, call: ServerCall) => unknown,
    finish: (value: unknown, call: ServerCall) => unknown,
  ): Promise<CallOutcome> {
    const route = this.#opts.router.resolve(incoming.method);
    if (route instanceof RpcError) return Promise.resolve({ error: route, meta: undefined });
    if (this.#shuttingDown) return Promise.resolve({ error: new RpcError('UNAVAILABLE', 'the server is shutting down'), meta: undefined });
    if (incoming.deadline <= Date.now()) {
      return Promise.resolve({ error: new RpcError('DEADLINE_EXCEEDED', 'the deadline passed before the call started'), meta: undefined });
    }
    if (incoming.signal?.aborted) return Promise.resolve({ error: new RpcError('CANCELLED', 'cancelled by the caller'), meta: undefined });
    const call = new ServerCall(route.method, incoming.meta, incoming.deadline, incoming.peer);
    let out: unknown;
    try {
      out = start(route, call);
    } catch (e) {
      return Promise.resolve({ error: publicError(e, route.method, this.#opts.logger), meta: call.responseMetaIfSet });
    }
    // A handler that answered at once needs no table, deadline or cancellation (most calls).
    if (!isThenable(out)) return Promise.resolve(this.#outcome(route, call, finish, out));
    return new Promise<CallOutcome>((resolve) => {
      // Counting keys take the table's fast path; after wrapping, skip any a long call still holds.
      let key: number;
      do key = this.#nextKey = (this.#nextKey + 1) & 0x3fffffff;
      while (this.#inflight.has(key));
      this.#inflight.set(key, call);
      const settle = (o: CallOutcome): void => {
        if (this.#inflight.get(key) !== call) return; // settled already
        this.#inflight.delete(key);
        if (this.#inflight.size === 0) this.#idle?.();
        resolve(o);
      };
      // Whichever comes first: the handler's end, the deadline, the caller leaving.
      call.expire = (reason = new RpcError('DEADLINE_EXCEEDED', 'deadline exceeded')) => {
        call.abort(reason);
        settle({ error: reason, meta: call.responseMetaIfSet });
      };
      incoming.signal?.addEventListener('abort', () => call.expire?.(new RpcError('CANCELLED', 'cancelled by the caller')), {
        once: true,
      });
      if (incoming.deadline !== Infinity) this.#deadlines.track(incoming.deadline);
      out.then(
        (value) => settle(this.#outcome(route, call, finish, value)),
        (e: unknown) => settle({ error: publicError(e, route.method, this.#opts.logger), meta: call.responseMetaIfSet }),
      );
    });
  }

  /** The outcome of a handler's value: `finish` encodes it, or what it throws is the error. */
  #outcome(route: Route, call: ServerCall, finish: (value: unknown, call: ServerCall) => unknown, value: unknown): CallOutcome {
    try {
      return { result: finish(value, call), meta: call.responseMetaIfSet };
    } catch (e) {
      return { error: publicError(e, route.method, this.#opts.logger), meta: call.responseMetaIfSet };
    }
  }
}
