/**
 * The typed client: one function per method of a service, over any channel.
 */
import {
  neverAborted,
  runMiddleware,
  type Call,
  type CallContext,
  type CallOptions,
  type Channel,
  type ChannelCall,
  type Middleware,
} from '../call.js';
import { RpcError } from '../error.js';
import type { Metadata } from '../metadata.js';
import { describeIssues, type Issue } from '../schema.js';
import { passThroughProbe } from './pass-through-probe.js';
import { resumingStream } from './resume.js';
import { takesStream, type MethodDescriptor, type MethodSpec, type ServiceDescriptor } from '../service.js';

/** The deadline a call gets when neither the call nor the client sets one. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/** Options of {@link createClient}. */
export interface ClientOptions {
  /** Default milliseconds each call waits (30 s); a call's own `timeout` wins. */
  timeout?: number;
  /** Client middleware, outermost first. */
  middleware?: readonly Middleware[];
}

type Args<I> = undefined extends I ? [input?: I, options?: CallOptions] : [input: I, options?: CallOptions];

/** What a caller sends to a method that takes a stream: any iterable, sync or async (an async generator, an array). */
export type Inputs<I> = AsyncIterable<I> | Iterable<I>;

/** The client function for one method. */
export type ClientMethod<D> =
  D extends MethodSpec<'unary', infer I, infer O>
    ? (...args: Args<I>) => Promise<O>
    : D extends MethodSpec<'serverStream', infer I, infer O>
      ? (...args: Args<I>) => AsyncIterable<O>
      : D extends MethodSpec<'clientStream', infer I, infer O>
        ? (inputs: Inputs<I>, options?: CallOptions) => Promise<O>
        : D extends MethodSpec<'bidiStream', infer I, infer O>
          ? (inputs: Inputs<I>, options?: CallOptions) => AsyncIterable<O>
          : D extends MethodSpec<'notification', infer I, unknown>
            ? (...args: Args<I>) => Promise<void>
            : never;

/** A typed client for service `S`: `await calc.add({ a: 2, b: 5 })`. */
export type Client<S extends ServiceDescriptor> = {
  readonly [K in keyof S['methods']]: ClientMethod<S['methods'][K]>;
};

/** Milliseconds from now → absolute deadline. */
export function deadlineAfter(timeout: number): number {
  return timeout === Infinity ? Infinity : Date.now() + timeout;
}

/**
 * A call's deadline from its options: `timeout` (else `fallback`, unless a
 * deadline is given), `deadline` and the `parent`'s deadline (unless not
 * inherited), the earliest.
 */
export function callDeadline(opts: CallOptions | undefined, fallback: number): number {
  const own = ownDeadline(opts?.deadline);
  const parent = opts?.parent;
  const inherited =
    parent !== undefined && opts?.inherit?.deadline !== false && parent.deadline !== Infinity ? parent.deadline : undefined;
  const at = own === undefined ? inherited : inherited === undefined ? own : Math.min(own, inherited);
  if (at === undefined) return deadlineAfter(opts?.timeout ?? fallback);
  return Math.min(at, deadlineAfter(opts?.timeout ?? Infinity));
}

function ownDeadline(at: Date | number | undefined): number | undefined {
  if (at === undefined) return undefined;
  const ms = typeof at === 'number' ? at : at.getTime();
  if (Number.isNaN(ms)) throw new RpcError('INVALID_ARGUMENT', 'the deadline option is not a time');
  return ms;
}

/** A call's signal: its own, the `parent`'s (unless not inherited), or one that aborts with either. */
export function callSignal(opts: CallOptions | undefined): AbortSignal | undefined {
  const own = opts?.signal;
  const parent = opts?.parent !== undefined && opts.inherit?.cancel !== false ? opts.parent.signal : undefined;
  if (parent === undefined) return own;
  return own === undefined ? parent : AbortSignal.any([own, parent]);
}

/** The parent middleware sees: the given one, or `null` when the call opts out of its trace. */
function middlewareParent(opts: CallOptions | undefined): CallContext | null | undefined {
  return opts?.parent !== undefined && opts.inherit?.trace === false ? null : opts?.parent;
}

/**
 * JSON-RPC params must be an object or an array: an object input is sent by
 * name, anything else as the single positional param.
 */
export function toParams(encoded: unknown): unknown {
  return typeof encoded === 'object' && encoded !== null && !Array.isArray(encoded) ? encoded : [encoded];
}

function invalid(issues: Issue[]): RpcError {
  return new RpcError('INVALID_ARGUMENT', `invalid input: ${describeIssues(issues)}`, { details: { issues } });
}

/**
 * Create a typed client for `service` over `channel` (from `connect()`).
 *
 * @example
 * const calc = createClient(Calculator, await connect('unix:///tmp/calc.sock', { transports }));
 * await calc.add({ a: 2, b: 5 }); // 7
 */
export function createClient<S extends ServiceDescriptor>(service: S, channel: Channel, options: ClientOptions = {}): Client<S> {
  const defaults = { timeout: options.timeout ?? DEFAULT_TIMEOUT_MS, middleware: options.middleware ?? [] };
  const client: Record<string, unknown> = {};
  for (const method of Object.values(service.methods) as MethodDescriptor[]) {
    client[method.name] = methodFunction(service, method, channel, defaults);
  }
  return Object.freeze(client) as Client<S>;
}

interface Defaults {
  timeout: number;
  middleware: readonly Middleware[];
}

function methodFunction(
  service: ServiceDescriptor,
  method: MethodDescriptor,
  channel: Channel,
  defaults: Defaults,
): (input: unknown, options?: CallOptions) => unknown {
  const decode = (wire: unknown): unknown => {
    const r = method.output.decode(wire);
    if (!r.success) throw new RpcError('INTERNAL', `invalid ${method.fullName} result from server: ${describeIssues(r.issues)}`);
    return r.data;
  };
  // The last step of every call: encode, hand to the channel.
  const send = (
    input: unknown,
    opts: CallOptions | undefined,
    deadline: number,
    signal: AbortSignal | undefined,
    meta: Metadata | undefined,
  ): ChannelCall => {
    const streamed = takesStream(method.kind);
    const encoded = streamed ? undefined : method.input.encode(input);
    if (encoded !== undefined && !encoded.success) throw invalid(encoded.issues);
    return {
      method: method.fullName,
      kind: method.kind,
      descriptor: method,
      params: encoded === undefined ? undefined : toParams(encoded.data),
      ...(streamed ? { inputs: encodedInputs(method, input as Inputs<unknown>) } : {}),
      meta,
      deadline,
      signal,
      waitForReady: opts?.waitForReady ?? false,
      onResponseMeta: opts?.onResponseMeta,
      errors: service.errors,
      decode,
    };
  };
  const middlewareCall = (
    input: unknown,
    opts: CallOptions | undefined,
    deadline: number,
    signal: AbortSignal | undefined,
  ): Call => ({
    side: 'client',
    method,
    input,
    meta: { ...opts?.meta },
    responseMeta: {},
    deadline,
    signal: signal ?? neverAborted,
    peer: channel.peer,
    parent: middlewareParent(opts),
  });
  // Client middleware sees the response metadata too.
  const withResponseMeta = (opts: CallOptions | undefined, call: Call): CallOptions => ({
    ...opts,
    onResponseMeta: (meta) => {
      Object.assign(call.responseMeta, meta);
      opts?.onResponseMeta?.(meta);
    },
  });

  const passesThrough = passThroughProbe(method, channel, defaults.middleware, middlewareParent);

  switch (method.kind) {
    case 'unary':
      return (input, opts) => {
        let deadline: number;
        let signal: AbortSignal | undefined;
        try {
          deadline = callDeadline(opts, defaults.timeout);
          signal = callSignal(opts);
          if (defaults.middleware.length === 0) return channel.unary(send(input, opts, deadline, signal, opts?.meta));
        } catch (e) {
          return Promise.reject(e);
        }
        if (passesThrough(input, opts, deadline, signal)) return channel.unary(send(input, opts, deadline, signal, opts?.meta));
        const call = middlewareCall(input, opts, deadline, signal);
        return runMiddleware(defaults.middleware, call, () =>
          channel.unary(send(call.input, withResponseMeta(opts, call), deadline, signal, call.meta)),
        );
      };
    case 'notification':
      return async (input, opts) => {
        const deadline = callDeadline(opts, defaults.timeout);
        const signal = callSignal(opts);
        const call = middlewareCall(input, opts, deadline, signal);
        await runMiddleware(defaults.middleware, call, () => channel.notify(send(call.input, opts, deadline, signal, call.meta)));
      };
    case 'clientStream':
      return (inputs, opts) => {
        let deadline: number;
        let signal: AbortSignal | undefined;
        try {
          deadline = callDeadline(opts, defaults.timeout);
          signal = callSignal(opts);
          checkInputs(method, inputs);
        } catch (e) {
          return Promise.reject(e);
        }
        const call = middlewareCall(inputs, opts, deadline, signal);
        return runMiddleware(defaults.middleware, call, () =>
          channel.unary(send(call.input, withResponseMeta(opts, call), deadline, signal, call.meta)),
        );
      };
    case 'serverStream':
    case 'bidiStream':
      return (input, opts) => ({
        [Symbol.asyncIterator]: () => {
          const deadline = callDeadline(opts, defaults.timeout);
          const signal = callSignal(opts);
          if (method.kind === 'bidiStream') checkInputs(method, input);
          const call = middlewareCall(input, opts, deadline, signal);
          const start = async (): Promise<AsyncIterable<unknown>> => {
            const sent = send(call.input, withResponseMeta(opts, call), deadline, signal, call.meta);
            return method.resumable === true ? resumingStream(sent, (c) => channel.stream(c)) : channel.stream(sent);
          };
          return lazyStream(() => runMiddleware(defaults.middleware, call, start) as Promise<AsyncIterable<unknown>>);
        },
      });
  }
}

function checkInputs(method: MethodDescriptor, inputs: unknown): void {
  const i = inputs as Partial<AsyncIterable<unknown> & Iterable<unknown>> | null | undefined;
  if (typeof i?.[Symbol.asyncIterator] !== 'function' && typeof i?.[Symbol.iterator] !== 'function') {
    throw new RpcError('INVALID_ARGUMENT', `${method.fullName} takes a stream of inputs: an async iterable or an array`);
  }
}

/**
 * The caller's inputs, each encoded as it is taken (so a generator is read
 * only as fast as the server grants credit); one that does not fit its
 * schema ends the call with INVALID_ARGUMENT naming which it was.
 */
async function* encodedInputs(method: MethodDescriptor, inputs: Inputs<unknown>): AsyncGenerator<unknown> {
  let n = 0;
  for await (const input of inputs) {
    const encoded = method.input.encode(input);
    if (!encoded.success) {
      throw new RpcError('INVALID_ARGUMENT', `input ${n} of ${method.fullName}: ${describeIssues(encoded.issues)}`, {
        details: { index: n, issues: encoded.issues },
      });
    }
    n++;
    yield encoded.data;
  }
}

/** An iterator that obtains its source on the first `next()`. */
async function* lazyStream(open: () => Promise<AsyncIterable<unknown>>): AsyncGenerator<unknown> {
  yield* await open();
}

/**
 * Call a method by name with raw params, like a seed-style or plain JSON-RPC
 * caller: `await rawCall(channel, 'add', [2, 5])`. No schema is applied on
 * this side; the server still validates.
 */
export function rawCall(channel: Channel, method: string, params: unknown, options: CallOptions = {}): Promise<unknown> {
  let deadline: number;
  try {
    deadline = callDeadline(options, DEFAULT_TIMEOUT_MS);
  } catch (e) {
    return Promise.reject(e);
  }
  return channel.unary({
    method,
    kind: 'unary',
    descriptor: undefined,
    params,
    meta: options.meta,
    deadline,
    signal: callSignal(options),
    waitForReady: options.waitForReady ?? false,
    onResponseMeta: options.onResponseMeta,
    errors: undefined,
    decode: (wire) => wire,
  });
}
