/**
 * A server stream, on either side, inside its span: each item is pulled in
 * the span's context, and the span ends with the stream (done, failed, or
 * left early). `return()` goes straight to the source, as without tracing.
 */
import { type Context, context } from '@opentelemetry/api';

export function tracedStream(
  source: AsyncIterable<unknown> | Iterable<unknown>,
  ctx: Context,
  end: (error?: unknown) => void,
): AsyncIterable<unknown> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<unknown> {
      const it = iteratorOf(source);
      return {
        async next() {
          try {
            const r = await context.with(ctx, () => it.next());
            if (r.done === true) end();
            return r;
          } catch (e) {
            end(e);
            throw e;
          }
        },
        async return(value?: unknown) {
          end();
          return (await it.return?.(value)) ?? { done: true, value };
        },
      };
    },
  };
}

function iteratorOf(source: AsyncIterable<unknown> | Iterable<unknown>): AsyncIterator<unknown> | Iterator<unknown> {
  const s = source as Partial<AsyncIterable<unknown> & Iterable<unknown>>;
  const asyncIt = s[Symbol.asyncIterator];
  if (typeof asyncIt === 'function') return asyncIt.call(s);
  const syncIt = s[Symbol.iterator];
  if (typeof syncIt === 'function') return syncIt.call(s);
  throw new TypeError('a server stream must be iterable');
}
