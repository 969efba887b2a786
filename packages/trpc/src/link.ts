/**
 * A tRPC client link that sends every operation over an Interoffice channel,
 * so a stock `createTRPCClient` calls a router served with `implementRouter`
 * over any transport: a unix socket, TCP, Redis, a shared file, shared memory.
 */
import { DEFAULT_TIMEOUT_MS, type Channel, type ChannelCall, type Metadata } from '@interoffice/core';
import type { Operation, TRPCLink } from '@trpc/client';
import type { TransformerOptions } from '@trpc/client/unstable-internals';
import type { AnyTRPCRouter, inferTRPCClientTypes, TRPCCombinedDataTransformer, TRPCDataTransformer } from '@trpc/server';
import { observable } from '@trpc/server/observable';
import { checkOneCopy } from './one-copy.js';
import { toClientError } from './client-errors.js';
import { deadlineIn, paramsOf, withMeta, type LinkMeta, type LinkSettings, type ResultObservable } from './link-call.js';
import { subscriptionOperation } from './link-subscription.js';
import { DEFAULT_PREFIX, methodOf } from './wire.js';

/** Options of {@link interofficeLink}. */
export type InterofficeLinkOptions<TRouter extends AnyTRPCRouter> = {
  /** Where the router is served: a channel from core's `connect(url, { transports })`. */
  channel: Channel;
  /** The service-name prefix the server was given (`implementRouter`'s `prefix`, `trpc`). */
  prefix?: string;
  /** Milliseconds a query or mutation may take (30 s); `Infinity` for no deadline. */
  timeout?: number;
  /**
   * Milliseconds a subscription runs before the link quietly starts it again
   * (24 h), passing the last tracked event's id as `lastEventId`. Interoffice
   * calls always have a deadline; this one is long.
   */
  subscriptionTimeout?: number;
  /** Request metadata: the procedure's `createContext` reads it as `call.meta`. */
  meta?: LinkMeta;
  /**
   * Queries and mutations made while the server is unreachable: fail at once
   * with SERVICE_UNAVAILABLE (`false`, default) or wait for it until their
   * deadline. Subscriptions always wait.
   */
  waitForReady?: boolean;
} & TransformerOptions<inferTRPCClientTypes<TRouter>>;

const identity = (value: unknown): unknown => value;
const noTransformer: TRPCCombinedDataTransformer = {
  input: { serialize: identity, deserialize: identity },
  output: { serialize: identity, deserialize: identity },
};

function combined(transformer: unknown): TRPCCombinedDataTransformer {
  const t = transformer as TRPCCombinedDataTransformer | TRPCDataTransformer | undefined;
  if (t === undefined) return noTransformer;
  return 'input' in t ? t : { input: t, output: t };
}

/** The longest delay a timer can wait (about 24.8 days): longer deadlines would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function milliseconds(name: string, value: number, infinite: boolean): number {
  if ((infinite && value === Infinity) || (value > 0 && value <= MAX_TIMER_MS)) return value;
  const allowed = `a number of milliseconds from 1 to ${MAX_TIMER_MS}${infinite ? ', or Infinity' : ''}`;
  throw new RangeError(`interofficeLink: ${name} must be ${allowed}, not ${value}`);
}

/** The operation's `context.onResponseMeta`, when its caller passed one (`query(input, { context: { onResponseMeta } })`). */
function onResponseMetaOf(op: Operation): ((meta: Metadata) => void) | undefined {
  const f = (op.context as { onResponseMeta?: unknown } | undefined)?.onResponseMeta;
  return typeof f === 'function' ? (f as (meta: Metadata) => void) : undefined;
}

function unaryOperation(settings: LinkSettings, op: Operation): ResultObservable {
  return observable((observer) => {
    // Aborted by the operation's signal or by unsubscribing: either cancels the call on both sides.
    const ac = new AbortController();
    const onAbort = (): void => ac.abort();
    op.signal?.addEventListener('abort', onAbort, { once: true });
    if (op.signal?.aborted) ac.abort();
    let done = false;
    let responseMeta: Metadata | undefined;
    const fail = (e: unknown): void => {
      done = true;
      observer.error(toClientError(e, op.path, settings.transformer));
    };
    withMeta(
      settings,
      op,
      (meta) => {
        const call: ChannelCall = {
          method: methodOf(settings.prefix, op.path),
          kind: 'unary',
          descriptor: undefined,
          params: paramsOf(settings, op.input),
          meta,
          deadline: deadlineIn(settings.timeout),
          signal: ac.signal,
          waitForReady: settings.waitForReady,
          onResponseMeta: (m) => {
            responseMeta = m;
            onResponseMetaOf(op)?.(m);
          },
          errors: undefined,
          decode: (wire) => settings.transformer.output.deserialize(wire),
        };
        settings.channel.unary(call).then((data) => {
          done = true;
          // Response metadata as the result's context, where tRPC's httpLink puts the response.
          observer.next(
            responseMeta === undefined
              ? { result: { type: 'data', data } }
              : { result: { type: 'data', data }, context: { meta: responseMeta } },
          );
          observer.complete();
        }, fail);
      },
      fail,
    );
    return () => {
      op.signal?.removeEventListener('abort', onAbort);
      if (!done) ac.abort();
    };
  });
}

/**
 * A terminating tRPC link over an Interoffice channel. Queries and mutations
 * are unary calls, subscriptions server streams; the operation's `signal`
 * (and unsubscribing) cancels the call on both sides; errors arrive as
 * TRPCClientError with the server's error shape.
 *
 * @example
 * const channel = await connect('unix:///tmp/app.sock', { transports: [socketTransport()] });
 * const trpc = createTRPCClient<AppRouter>({ links: [interofficeLink({ channel })] });
 * await trpc.greeting.query({ name: 'Bob' });
 */
export function interofficeLink<TRouter extends AnyTRPCRouter>(options: InterofficeLinkOptions<TRouter>): TRPCLink<TRouter> {
  checkOneCopy(['@trpc/client', '@trpc/server']);
  const settings: LinkSettings = {
    channel: options.channel,
    prefix: options.prefix ?? DEFAULT_PREFIX,
    timeout: milliseconds('timeout', options.timeout ?? DEFAULT_TIMEOUT_MS, true),
    subscriptionTimeout: milliseconds('subscriptionTimeout', options.subscriptionTimeout ?? 24 * 60 * 60 * 1000, false),
    waitForReady: options.waitForReady ?? false,
    transformer: combined(options.transformer),
    meta: options.meta,
  };
  return () =>
    ({ op }) =>
      op.type === 'subscription' ? subscriptionOperation(settings, op) : unaryOperation(settings, op);
}
