/**
 * The Interoffice handler of one tRPC procedure: make the context, call the
 * procedure through tRPC (parsers, middleware and all), and turn what it
 * throws into an RpcError. Subscriptions stream `started`, then their events.
 */
import type { CallContext, Logger } from '@interoffice/core';
import { callTRPCProcedure, type AnyTRPCRouter, type TRPCProcedureType } from '@trpc/server';
import { isObservable, observableToAsyncIterable } from '@trpc/server/observable';
import type { CreateContextOptions } from './implement-router.js';
import { toRpcError, type ErrorSite, type TRPCErrorHandlerOptions } from './server-errors.js';
import { STARTED } from './wire.js';

/** What every procedure handler of one router shares. */
export interface Runner {
  readonly router: AnyTRPCRouter;
  readonly createContext: (opts: CreateContextOptions) => unknown;
  readonly logger: Logger;
  readonly onError: ((opts: TRPCErrorHandlerOptions) => void) | undefined;
}

type Handler = (input: unknown, call: CallContext) => unknown;

const ABORTED = Symbol('aborted');

/** Resolves when `signal` aborts; `stop` removes its listener. */
function abortion(signal: AbortSignal): { promise: Promise<typeof ABORTED>; stop: () => void } {
  let stop = (): void => {};
  const promise = new Promise<typeof ABORTED>((resolve) => {
    if (signal.aborted) return resolve(ABORTED);
    const onAbort = (): void => resolve(ABORTED);
    signal.addEventListener('abort', onAbort, { once: true });
    stop = () => signal.removeEventListener('abort', onAbort);
  });
  return { promise, stop };
}

/** The handler for the procedure at `path`. */
export function procedureHandler(runner: Runner, path: string, type: TRPCProcedureType): Handler {
  const { router } = runner;
  const site = (input: unknown, ctx: unknown): ErrorSite => ({ ...runner, path, type, input, ctx });

  if (type !== 'subscription') {
    return async (input, call) => {
      let ctx: unknown;
      try {
        ctx = await runner.createContext({ call, path, type });
        return await callTRPCProcedure({
          router,
          path,
          getRawInput: async () => input,
          ctx,
          type,
          signal: call.signal,
          batchIndex: 0,
        });
      } catch (e) {
        throw toRpcError(e, site(input, ctx));
      }
    };
  }

  return async function* subscription(input, call) {
    let ctx: unknown;
    let source: AsyncIterable<unknown>;
    try {
      ctx = await runner.createContext({ call, path, type });
      const result = await callTRPCProcedure({
        router,
        path,
        getRawInput: async () => input,
        ctx,
        type,
        signal: call.signal,
        batchIndex: 0,
      });
      // Observable subscriptions are deprecated in tRPC v11 but still served.
      source = isObservable(result) ? observableToAsyncIterable(result, call.signal) : (result as AsyncIterable<unknown>);
      if (typeof source?.[Symbol.asyncIterator] !== 'function') {
        throw new Error(`subscription ${path} returned neither an async iterable nor an observable`);
      }
    } catch (e) {
      throw toRpcError(e, site(input, ctx));
    }
    yield STARTED;
    const it = source[Symbol.asyncIterator]();
    // A procedure waiting for its next event must not hold the call open once it is
    // cancelled: race each `next()` against the call's signal, as tRPC's own adapters do.
    const aborted = abortion(call.signal);
    try {
      for (;;) {
        const r = await Promise.race([it.next(), aborted.promise]);
        if (r === ABORTED || r.done === true) return;
        yield r.value;
      }
    } catch (e) {
      throw toRpcError(e, site(input, ctx));
    } finally {
      aborted.stop();
      try {
        it.return?.()?.catch(() => {}); // its error has nobody left to hear it
      } catch {
        // an iterator whose return() throws at once: the same
      }
    }
  };
}
