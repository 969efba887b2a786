import { allPassThrough, runMiddleware, type Call, type CallContext, type Middleware } from '../call.js';
import { RpcError } from '../error.js';
import type { Logger } from '../logger.js';
import type { Metadata } from '../metadata.js';
import { describeIssues } from '../schema.js';
import { takesStream, Tracked, type MethodDescriptor } from '../service.js';
import type { Peer } from '../transport.js';
import type { Route } from './router.js';

/**
 * One call in flight on the server: the handler's context, the middleware's
 * view of the call, and the switch that stops it.
 */
export class ServerCall implements CallContext, Call {
  readonly side = 'server' as const;
  input: unknown = undefined;
  /** The engine's: its key in the table of calls not answered at once; -1 while it has none. */
  key = -1;
  /** The engine's: who hears how the call ends, once it is waited on. */
  sink: CallSink | undefined = undefined;
  /** The call has ended (answered, failed or stopped): nothing more is told of it. */
  ended = false;
  /** Stops a running stream's iterator, once it has one. */
  stop: (() => void) | undefined = undefined;
  /** A resumable stream resumed: the last item id the caller got (the session sets it from the request). */
  resumeAfter: string | undefined = undefined;
  // Both made on first use: most handlers of short calls touch neither.
  #controller: AbortController | undefined;
  #responseMeta: Metadata | undefined;

  constructor(
    readonly method: MethodDescriptor,
    readonly meta: Metadata,
    readonly deadline: number,
    readonly peer: Peer,
  ) {}

  get signal(): AbortSignal {
    return (this.#controller ??= new AbortController()).signal;
  }

  get responseMeta(): Metadata {
    return (this.#responseMeta ??= {});
  }

  /** The response metadata, if any was set (without creating it). */
  get responseMetaIfSet(): Metadata | undefined {
    return this.#responseMeta;
  }

  /** Abort the handler's signal with `reason` and stop its stream, if any. */
  abort(reason: RpcError): void {
    (this.#controller ??= new AbortController()).abort(reason);
    try {
      this.stop?.();
    } catch {
      // a generator that throws on return has nothing more to say to anyone
    }
  }
}

/** Whoever started a call hears, here, its stream items and how it ended (exactly once). */
export interface CallSink {
  /**
   * One checked, encoded stream item. May return a promise (the handler waits:
   * backpressure), or throw an RpcError (the call fails with it).
   */
  item(call: ServerCall, wire: unknown, itemId?: string): void | Promise<void>;
  /** The handler's checked, encoded output (`null` at a stream's end). */
  result(call: ServerCall, wire: unknown): void;
  /** The error the caller may see. */
  error(call: ServerCall, error: RpcError): void;
}

/**
 * Map wire params onto the method's input: positional params (`[2, 5]`)
 * onto the fields in declaration order, a non-object input from a single
 * positional param; then decode and validate.
 */
export function decodeParams(method: MethodDescriptor, params: unknown): unknown {
  const fields = method.input.fields;
  let wire = params;
  if (Array.isArray(params)) {
    if (fields !== undefined) {
      if (params.length > fields.length) {
        throw new RpcError(
          'INVALID_ARGUMENT',
          `${method.fullName} takes at most ${fields.length} positional params (${fields.join(', ')}), got ${params.length}`,
        );
      }
      const named: Record<string, unknown> = {};
      for (let i = 0; i < params.length; i++) named[fields[i] as string] = params[i];
      wire = named;
    } else {
      if (params.length > 1) {
        throw new RpcError('INVALID_ARGUMENT', `${method.fullName} takes one positional param, got ${params.length}`);
      }
      wire = params[0];
    }
  } else if (params === undefined && fields !== undefined) {
    wire = {};
  }
  const r = method.input.decode(wire);
  if (!r.success) {
    throw new RpcError('INVALID_ARGUMENT', `invalid params for ${method.fullName}: ${describeIssues(r.issues)}`, {
      details: { issues: r.issues },
    });
  }
  return r.data;
}

/**
 * Decode the params and run the handler inside the middleware. May throw, or return a promise.
 * For the kinds that take a stream, `params` is the stream of inputs (each validated as it comes).
 */
export function invoke(route: Route, call: ServerCall, params: unknown, middleware: readonly Middleware[]): unknown {
  call.input = takesStream(route.method.kind)
    ? validatedInputs(route.method, params as AsyncIterable<unknown>)
    : decodeParams(route.method, params);
  if (middleware.length === 0 || allPassThrough(middleware, call)) return route.handler(call.input, call);
  return runMiddleware(middleware, call, async () => route.handler(call.input, call));
}

/**
 * A stream of wire inputs as the handler sees it: each decoded and validated as it is taken;
 * one that does not fit ends the handler's loop (and so the call) with INVALID_ARGUMENT,
 * naming which input it was.
 */
async function* validatedInputs(method: MethodDescriptor, wire: AsyncIterable<unknown>): AsyncGenerator<unknown> {
  let index = 0;
  for await (const item of wire) {
    const r = method.input.decode(item);
    if (!r.success) {
      throw new RpcError('INVALID_ARGUMENT', `invalid input ${index} of ${method.fullName}: ${describeIssues(r.issues)}`, {
        details: { index, issues: r.issues },
      });
    }
    index++;
    yield r.data;
  }
}

/** Check and encode a handler's output (`what`: result or item); INTERNAL, logged, when it does not fit. */
export function encodeOutput(method: MethodDescriptor, value: unknown, logger: Logger, what = 'result'): unknown {
  const r = method.output.encode(value);
  if (r.success) return r.data;
  logger.error(`${method.fullName} returned an invalid ${what}`, r.issues);
  throw new RpcError('INTERNAL', `${method.fullName} returned an invalid ${what}`);
}

/** The error a caller may see: RpcErrors as they are, anything else a bare INTERNAL (logged here). */
export function publicError(e: unknown, method: MethodDescriptor, logger: Logger): RpcError {
  if (e instanceof RpcError) return e;
  logger.error(`${method.fullName} failed`, e);
  return new RpcError('INTERNAL', 'internal error');
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

function iteratorOf(value: unknown, method: string): AsyncIterator<unknown> | Iterator<unknown> {
  const v = value as Partial<AsyncIterable<unknown> & Iterable<unknown>> | null;
  const asyncIt = v?.[Symbol.asyncIterator];
  if (typeof asyncIt === 'function') return asyncIt.call(v);
  const syncIt = v?.[Symbol.iterator];
  if (typeof syncIt === 'function') return syncIt.call(v);
  throw new RpcError('INTERNAL', `${method} must return an iterable (e.g. be an async generator)`);
}

/**
 * Drive a stream handler's output into `sink`, one checked, encoded item at
 * a time; `sink` may return a promise to make the handler wait
 * (backpressure). Ends when the handler's iterator does, or quietly when the
 * call is aborted (whoever aborted it answers the caller). Throws what the
 * handler throws.
 */
export async function pumpItems(call: ServerCall, out: unknown, sink: CallSink, logger: Logger): Promise<void> {
  const it = iteratorOf(await out, call.method.fullName);
  call.stop = () => {
    const r = it.return?.();
    if (isThenable(r)) r.then(undefined, () => {}); // its error has nobody left to hear it
  };
  if (call.signal.aborted) call.stop();
  const resumable = call.method.resumable === true;
  for (;;) {
    const r = await it.next();
    if (call.signal.aborted || r.done) return;
    let pending: void | Promise<void>;
    if (r.value instanceof Tracked) {
      pending = sink.item(call, encodeOutput(call.method, r.value.value, logger, 'item'), r.value.id);
    } else if (resumable) {
      // An item without an id could not be resumed after: the caller would see it twice.
      logger.error(`${call.method.fullName} is resumable: yield tracked(id, item), not a bare item`);
      throw new RpcError(
        'INTERNAL',
        `${call.method.fullName} yielded an item without an id (resumable streams yield tracked(id, item))`,
      );
    } else {
      pending = sink.item(call, encodeOutput(call.method, r.value, logger, 'item'));
    }
    if (pending !== undefined) await pending;
  }
}

export { isThenable };
