/**
 * A subscription through the link: one server-streaming call, its items
 * turned into tRPC's results (`started`, data, `stopped`) and connection
 * states. When the connection is lost, or the call's long deadline passes,
 * the link starts it again with the last tracked event's id as
 * `lastEventId`, as tRPC's own subscription links do.
 */
import { RpcError, type ChannelCall, type Metadata } from '@interoffice/core';
import type { Operation, TRPCClientError } from '@trpc/client';
import type { AnyTRPCRouter } from '@trpc/server';
import { observable } from '@trpc/server/observable';
import { toClientError } from './client-errors.js';
import { deadlineIn, paramsOf, withMeta, type LinkSettings, type ResultObservable } from './link-call.js';
import { methodOf, readItem, shapeOf, type SubscriptionItem } from './wire.js';

/** The input again with `lastEventId`, as tRPC's links resend it (non-object inputs cannot carry it). */
function withLastEventId(input: unknown, lastEventId: string | undefined): unknown {
  if (lastEventId === undefined || (input !== null && input !== undefined && typeof input !== 'object')) return input;
  return { ...(input ?? {}), lastEventId };
}

/** Errors after which the subscription is started again: Interoffice's own, not the procedure's. */
function startsAgain(e: unknown): e is RpcError {
  return (
    e instanceof RpcError && shapeOf(e.details) === undefined && (e.code === 'UNAVAILABLE' || e.code === 'DEADLINE_EXCEEDED')
  );
}

/**
 * How long to wait before starting again: at once after the call's own
 * deadline; after a lost connection, 100 ms doubling to 2 s, so that a
 * server that keeps refusing is not hammered, and the first attempt does
 * not reach a crashed server's socket while its process is still being torn
 * down: a connection queued in a dying server's backlog is reset before any
 * frame arrives, a close the socket transport does not yet report.
 */
function backoff(e: RpcError, attempt: number): number {
  if (e.code === 'DEADLINE_EXCEEDED' && attempt === 0) return 0;
  return Math.min(2000, 100 * 2 ** attempt);
}

/** Wait `ms`; false if `signal` aborted first. */
function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** The results of one subscription operation, as the tRPC client consumes them. */
export function subscriptionOperation(settings: LinkSettings, op: Operation): ResultObservable {
  return observable((observer) => {
    const ac = new AbortController();
    const onAbort = (): void => ac.abort();
    op.signal?.addEventListener('abort', onAbort, { once: true });
    if (op.signal?.aborted) ac.abort();
    const { transformer } = settings;
    const state = (s: 'idle' | 'connecting' | 'pending', error: TRPCClientError<AnyTRPCRouter> | null = null): void =>
      observer.next({
        result: s === 'connecting' ? { type: 'state', state: s, error } : { type: 'state', state: s, error: null },
      });
    const decode = (wire: unknown): SubscriptionItem => {
      const item = readItem(wire);
      if (item === undefined)
        throw new RpcError('INTERNAL', `${op.path}: the server sent something that is not a tRPC subscription item`);
      return item.type === 'data' ? { ...item, data: transformer.output.deserialize(item.data) } : item;
    };
    const fail = (e: unknown): void => {
      state('idle');
      observer.error(toClientError(e, op.path, transformer));
    };

    const run = async (meta: Metadata | undefined): Promise<void> => {
      let lastEventId: string | undefined;
      let attempt = 0;
      state('connecting');
      for (;;) {
        const call: ChannelCall = {
          method: methodOf(settings.prefix, op.path),
          kind: 'serverStream',
          descriptor: undefined,
          params: paramsOf(settings, withLastEventId(op.input, lastEventId)),
          meta,
          deadline: deadlineIn(settings.subscriptionTimeout),
          signal: ac.signal,
          waitForReady: true,
          onResponseMeta: undefined,
          errors: undefined,
          decode,
        };
        try {
          for await (const item of settings.channel.stream(call) as AsyncIterable<SubscriptionItem>) {
            if (item.type === 'started') {
              attempt = 0;
              observer.next({ result: { type: 'started' } });
              state('pending');
            } else if (item.id !== undefined) {
              lastEventId = item.id;
              observer.next({ result: { type: 'data', id: item.id, data: { id: item.id, data: item.data } } });
            } else {
              observer.next({ result: { type: 'data', data: item.data } });
            }
          }
        } catch (e) {
          if (ac.signal.aborted) return;
          if (!startsAgain(e)) return fail(e);
          state('connecting', toClientError(e, op.path, transformer));
          if (!(await pause(backoff(e, attempt++), ac.signal))) return;
          continue;
        }
        // The procedure ended the stream.
        observer.next({ result: { type: 'stopped' } });
        state('idle');
        observer.complete();
        return;
      }
    };
    withMeta(settings, op, (meta) => void run(meta).catch(fail), fail);
    return () => {
      op.signal?.removeEventListener('abort', onAbort);
      ac.abort();
    };
  });
}
