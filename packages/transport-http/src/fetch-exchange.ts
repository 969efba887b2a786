/** HTTP exchanges with `fetch`: browsers, and runtimes without node:http. */
import { ExchangeFailed, type Exchange, type ExchangeResponse } from './exchange.js';

export function fetchExchange(fetchFn: typeof fetch = globalThis.fetch.bind(globalThis)): Exchange {
  return async (r) => {
    let res: Response;
    let signal: AbortSignal | null = null;
    if (r.cancel !== undefined) {
      const controller = new AbortController();
      r.cancel.onAbort(() => controller.abort());
      if (r.cancel.aborted) controller.abort();
      signal = controller.signal;
    }
    try {
      res = await fetchFn(r.url, { method: r.method, headers: r.headers, body: r.body ?? null, signal });
    } catch (e) {
      // fetch tells a refused connection from a CORS refusal or a lost network by nothing but a TypeError.
      throw new ExchangeFailed((e as Error).message, (e as Error).name !== 'AbortError', { cause: e });
    }
    return response(res);
  };
}

function response(res: Response): ExchangeResponse {
  return {
    status: res.status,
    header: (name) => res.headers.get(name) ?? undefined,
    body: {
      async *[Symbol.asyncIterator]() {
        if (res.body === null) return;
        const reader = res.body.getReader();
        try {
          for (;;) {
            const { done, value } = await reader.read();
            if (done) return;
            yield value;
          }
        } finally {
          reader.releaseLock();
        }
      },
    },
  };
}
