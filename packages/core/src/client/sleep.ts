import { RpcError } from '../error.js';

/** Wait `ms`, for a call: rejects with CANCELLED at once when `signal` aborts (or has). */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const cancelled = (): void => reject(new RpcError('CANCELLED', 'the call was cancelled'));
    if (signal?.aborted) return cancelled();
    const onAbort = (): void => {
      clearTimeout(timer);
      cancelled();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
