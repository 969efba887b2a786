/**
 * What the link's operations share: its settings, and how an operation
 * becomes the parts of an Interoffice call (params, deadline, metadata).
 */
import type { Channel, Metadata } from '@interoffice/core';
import type { Operation, OperationResultEnvelope, TRPCClientError } from '@trpc/client';
import type { AnyTRPCRouter, TRPCCombinedDataTransformer } from '@trpc/server';
import type { Observable } from '@trpc/server/observable';

/** Request metadata for each operation: fixed, or made per operation (like `httpLink`'s `headers`). */
export type LinkMeta = Metadata | ((opts: { op: Operation }) => Metadata | undefined | Promise<Metadata | undefined>);

/** What one link's operations share. */
export interface LinkSettings {
  readonly channel: Channel;
  readonly prefix: string;
  readonly timeout: number;
  readonly subscriptionTimeout: number;
  readonly waitForReady: boolean;
  readonly transformer: TRPCCombinedDataTransformer;
  readonly meta: LinkMeta | undefined;
}

/** The envelopes and errors a link's observables carry. */
export type Result = OperationResultEnvelope<unknown, TRPCClientError<AnyTRPCRouter>>;
export type ResultObservable = Observable<Result, TRPCClientError<AnyTRPCRouter>>;

/** Milliseconds from now → an absolute deadline. */
export function deadlineIn(ms: number): number {
  return ms === Infinity ? Infinity : Date.now() + ms;
}

/** The wire params of an input: tRPC inputs by name, others as the one positional param, none for `undefined`. */
export function paramsOf(settings: LinkSettings, input: unknown): unknown {
  const wire = settings.transformer.input.serialize(input);
  if (wire === undefined) return undefined;
  return typeof wire === 'object' && wire !== null && !Array.isArray(wire) ? wire : [wire];
}

/**
 * Call `then` with the operation's metadata (at once unless `meta` returns a
 * promise); `fail` with anything either throws.
 */
export function withMeta(
  settings: LinkSettings,
  op: Operation,
  then: (meta: Metadata | undefined) => void,
  fail: (e: unknown) => void,
): void {
  const run = (meta: Metadata | undefined): void => {
    try {
      then(meta);
    } catch (e) {
      fail(e);
    }
  };
  const m = settings.meta;
  if (typeof m !== 'function') return run(m);
  let meta: ReturnType<typeof m>;
  try {
    meta = m({ op });
  } catch (e) {
    return fail(e);
  }
  if (meta instanceof Promise) meta.then(run, fail);
  else run(meta);
}
