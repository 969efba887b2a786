// Retries and hedging over the memory transport: what is retried (idempotent methods, retryable
// codes), how often, how the server's hint, the deadline, the budget and cancellation bound it,
// and that a hedge's first answer wins while the other copy is cancelled on the server.
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  type CallContext,
  type Channel,
  connect,
  createClient,
  defineService,
  implement,
  memoryTransport,
  type Middleware,
  PREVIOUS_ATTEMPTS_KEY,
  type RetryingChannel,
  type RetryOptions,
  RpcError,
  serve,
  unary,
} from '../src/index.js';
import { waitFor } from '../src/conformance/testing.js';

const Ask = z.object({ fail: z.array(z.string()).optional(), hint: z.string().optional(), waitMs: z.number().optional() });
/** The same handler under three markings: the client decides by the marking alone. */
const Flaky = defineService('test.Flaky', {
  read: unary({ input: Ask, output: z.number(), idempotency: 'noSideEffects' }),
  put: unary({ input: Ask, output: z.number(), idempotency: 'idempotent' }),
  charge: unary({ input: Ask, output: z.number() }),
});

const transports = [memoryTransport()];
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});
let n = 0;

interface Runs {
  /** Attempt numbers the server saw (`previous-rpc-attempts`), per run. */
  attempts: string[];
  aborted: number;
}

/**
 * A server whose handlers fail attempt k of a call (as `previous-rpc-attempts`
 * says) with the code at `fail[k]` (with the hint as `retry-after-ms`), and
 * answer with the attempt's number once the codes are used up, after `waitMs`
 * on the first attempt only.
 */
async function flaky(options: RetryOptions) {
  const runs: Runs = { attempts: [], aborted: 0 };
  const handler = (input: z.infer<typeof Ask>, ctx: CallContext): Promise<number> => {
    const previous = ctx.meta[PREVIOUS_ATTEMPTS_KEY] ?? '0';
    runs.attempts.push(previous);
    const run = Number(previous);
    const code = input.fail?.[run];
    if (code !== undefined) {
      const meta: Record<string, string> = input.hint === undefined ? {} : { 'retry-after-ms': input.hint };
      return Promise.reject(new RpcError(code as 'UNAVAILABLE', `run ${run} fails`, { meta }));
    }
    const wait = run === 0 ? (input.waitMs ?? 0) : 0;
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => resolve(run), wait);
      ctx.signal.addEventListener('abort', () => {
        runs.aborted++;
        clearTimeout(t);
        reject(ctx.signal.reason);
      });
    });
  };
  const url = `memory://flaky-${n++}`;
  const server = await serve(implement(Flaky, { read: handler, put: handler, charge: handler }), { listen: [url], transports });
  const channel = await connect(url, { transports, ...options });
  closers.push(
    () => server.close({ graceMs: 0 }),
    () => channel.close(),
  );
  return { runs, channel, client: createClient(Flaky, channel) };
}

const fast = { initialBackoffMs: 1, maxBackoffMs: 5 };

describe('retries', () => {
  it('retries an idempotent method that fails UNAVAILABLE, and tells the server which attempt it is', async () => {
    const { runs, client } = await flaky({ retry: { ...fast, maxAttempts: 3 } });
    expect(await client.put({ fail: ['UNAVAILABLE', 'UNAVAILABLE'] })).toBe(2);
    expect(runs.attempts).toEqual(['0', '1', '2']);
    runs.attempts.length = 0;
    expect(await client.read({ fail: ['UNAVAILABLE'] })).toBe(1);
    expect(runs.attempts).toEqual(['0', '1']);
  });

  it('never retries a method the schema does not mark idempotent', async () => {
    const { runs, client } = await flaky({ retry: { ...fast, maxAttempts: 5 } });
    await expect(client.charge({ fail: ['UNAVAILABLE'] })).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(runs.attempts).toEqual(['0']);
  });

  it('gives up after maxAttempts with the last error', async () => {
    const { runs, client } = await flaky({ retry: { ...fast, maxAttempts: 3 } });
    await expect(client.put({ fail: ['UNAVAILABLE', 'UNAVAILABLE', 'UNAVAILABLE', 'UNAVAILABLE'] })).rejects.toThrow(
      'run 2 fails',
    );
    expect(runs.attempts).toHaveLength(3);
  });

  it('retries no other code: INTERNAL, INVALID_ARGUMENT and ABORTED end the call at once', async () => {
    const { runs, client } = await flaky({ retry: { ...fast, maxAttempts: 5 } });
    for (const code of ['INTERNAL', 'INVALID_ARGUMENT', 'ABORTED'])
      await expect(client.put({ fail: [code] })).rejects.toMatchObject({ code });
    expect(runs.attempts).toHaveLength(3);
  });

  it('retries RESOURCE_EXHAUSTED only when the server gave a hint, and waits as long as it said', async () => {
    const { runs, client } = await flaky({ retry: { ...fast, maxAttempts: 3 } });
    await expect(client.put({ fail: ['RESOURCE_EXHAUSTED'] })).rejects.toMatchObject({ code: 'RESOURCE_EXHAUSTED' });
    expect(runs.attempts).toHaveLength(1);
    const start = Date.now();
    expect(await client.put({ fail: ['RESOURCE_EXHAUSTED', 'RESOURCE_EXHAUSTED'], hint: '150' })).toBe(2);
    expect(Date.now() - start).toBeGreaterThanOrEqual(290); // two pauses of 150 ms (timers may fire 1 ms early)
  });

  it('does not retry when the server says not to (a negative hint), whatever the code', async () => {
    const { runs, client } = await flaky({ retry: { ...fast, maxAttempts: 3 } });
    await expect(client.put({ fail: ['UNAVAILABLE'], hint: '-1' })).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(runs.attempts).toHaveLength(1);
  });

  it('never waits past the deadline: a pause that would end after it ends the call now, with the error', async () => {
    const { runs, client } = await flaky({ retry: { ...fast, maxAttempts: 3 } });
    const start = Date.now();
    await expect(client.put({ fail: ['UNAVAILABLE'], hint: '5000' }, { timeout: 1000 })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
    });
    expect(Date.now() - start).toBeLessThan(900); // at once, not at the deadline nor after the pause
    expect(runs.attempts).toHaveLength(1);
  });

  it('stops waiting between attempts when the caller cancels', async () => {
    const { runs, client } = await flaky({ retry: { maxAttempts: 3, initialBackoffMs: 10_000, maxBackoffMs: 10_000 } });
    const control = new AbortController();
    const call = client.put({ fail: ['UNAVAILABLE'], hint: '10000' }, { signal: control.signal });
    await waitFor(() => runs.attempts.length === 1);
    const start = Date.now();
    control.abort();
    await expect(call).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(Date.now() - start).toBeLessThan(5000); // timing is the feature: at the abort, not after the 10 s backoff (room for a loaded machine)
    expect(runs.attempts).toHaveLength(1);
  });

  it('spends the retry budget: once half the tokens are gone, calls get one attempt until successes refill it', async () => {
    const { runs, client, channel } = await flaky({
      retry: { ...fast, maxAttempts: 5 },
      retryThrottling: { maxTokens: 4, tokenRatio: 0.5 },
    });
    const budget = (channel as RetryingChannel).budget;
    const always = ['UNAVAILABLE', 'UNAVAILABLE', 'UNAVAILABLE', 'UNAVAILABLE', 'UNAVAILABLE'];
    await expect(client.put({ fail: always })).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(runs.attempts).toHaveLength(2); // 4 → 3 (retry) → 2: not more than half
    runs.attempts.length = 0;
    await expect(client.put({ fail: always })).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(runs.attempts).toHaveLength(1);
    expect(budget.tokens).toBe(1);
    for (let i = 0; i < 5; i++) await client.put({}); // 3.5: the next failure leaves 2.5, more than half
    runs.attempts.length = 0;
    expect(await client.put({ fail: ['UNAVAILABLE'] })).toBe(1);
    expect(runs.attempts).toHaveLength(2);
  });

  it('gives middleware one call and the answering attempt’s response metadata', async () => {
    const seen: string[] = [];
    const mw: Middleware = async (call, next) => {
      seen.push(`start ${call.method.name}`);
      const out = await next();
      seen.push(`end ${JSON.stringify(call.responseMeta)}`);
      return out;
    };
    const url = `memory://meta-${n++}`;
    let run = 0;
    const server = await serve(
      implement(Flaky, {
        read: (_i, ctx) => {
          ctx.responseMeta.run = String(run++);
          if (run === 1) throw new RpcError('UNAVAILABLE', 'first fails');
          return 1;
        },
        put: () => 0,
        charge: () => 0,
      }),
      { listen: [url], transports },
    );
    const channel = await connect(url, { transports, retry: fast });
    closers.push(
      () => server.close(),
      () => channel.close(),
    );
    const meta: Record<string, string>[] = [];
    expect(await createClient(Flaky, channel, { middleware: [mw] }).read({}, { onResponseMeta: (m) => meta.push(m) })).toBe(1);
    expect(seen).toEqual(['start read', 'end {"run":"1"}']);
    expect(meta).toEqual([{ run: '1' }]);
  });

  it('refuses a bad policy before connecting', async () => {
    await expect(connect('memory://nobody-here', { transports, retry: { maxAttempts: 0 } })).rejects.toThrow(TypeError);
  });
});

describe('hedging', () => {
  it('sends a second copy after the delay: the first answer wins and the slow copy is cancelled on the server', async () => {
    const { runs, client } = await flaky({ hedging: { hedgingDelayMs: 50 } });
    const start = Date.now();
    expect(await client.read({ waitMs: 10_000 })).toBe(1);
    expect(Date.now() - start).toBeLessThan(5000); // not the slow copy's 10 s
    expect(runs.attempts).toEqual(['0', '1']);
    await waitFor(() => runs.aborted === 1, { what: 'the slow copy cancelled' });
  });

  it('sends no copy when the first answers within the delay', async () => {
    const { runs, client } = await flaky({ hedging: { hedgingDelayMs: 2000 } });
    expect(await client.read({})).toBe(0);
    expect(runs.attempts).toEqual(['0']);
  });

  it('hedges only noSideEffects methods: an idempotent one takes the retry policy, an unmarked one neither', async () => {
    const { runs, client } = await flaky({ hedging: { hedgingDelayMs: 10 }, retry: fast });
    expect(await client.put({ waitMs: 200 })).toBe(0);
    expect(runs.attempts).toEqual(['0']);
    runs.attempts.length = 0;
    expect(await client.charge({ waitMs: 200 })).toBe(0);
    expect(runs.attempts).toEqual(['0']);
    runs.attempts.length = 0;
    expect(await client.put({ fail: ['UNAVAILABLE'] })).toBe(1); // retried
  });

  it('sends the next copy at once after a non-fatal failure, and a fatal error ends the call', async () => {
    const { runs, client } = await flaky({ hedging: { hedgingDelayMs: 10_000, maxAttempts: 3 } });
    const start = Date.now();
    expect(await client.read({ fail: ['UNAVAILABLE', 'UNAVAILABLE'] })).toBe(2);
    expect(Date.now() - start).toBeLessThan(5000);
    runs.attempts.length = 0;
    await expect(client.read({ fail: ['INTERNAL'] })).rejects.toMatchObject({ code: 'INTERNAL' });
    expect(runs.attempts).toEqual(['0']);
  });

  it('fails with the last error when every copy failed', async () => {
    const { runs, client } = await flaky({ hedging: { hedgingDelayMs: 1, maxAttempts: 3 } });
    await expect(client.read({ fail: ['UNAVAILABLE', 'UNAVAILABLE', 'UNAVAILABLE'] })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
    });
    expect(runs.attempts).toHaveLength(3);
  });

  it('cancels every copy when the caller cancels', async () => {
    const { runs, client } = await flaky({ hedging: { hedgingDelayMs: 20 } });
    const control = new AbortController();
    const call = client.read({ waitMs: 10_000 }, { signal: control.signal });
    await waitFor(() => runs.attempts.length === 1);
    control.abort();
    await expect(call).rejects.toMatchObject({ code: 'CANCELLED' });
    await waitFor(() => runs.aborted === 1);
  });
});

describe('retrying() around any channel', () => {
  it('wraps a channel it did not open, and passes streams and notifications through', async () => {
    const url = `memory://wrap-${n++}`;
    let runs = 0;
    const server = await serve(
      implement(Flaky, {
        read: () => {
          if (runs++ === 0) throw new RpcError('UNAVAILABLE', 'once');
          return runs;
        },
        put: () => 0,
        charge: () => 0,
      }),
      { listen: [url], transports },
    );
    const plain: Channel = await connect(url, { transports });
    const { retrying } = await import('../src/index.js');
    const channel = retrying(plain, { retry: fast });
    closers.push(
      () => server.close(),
      () => channel.close(),
    );
    expect(channel.peer).toBe(plain.peer);
    expect(await createClient(Flaky, channel).read({})).toBe(2);
  });
});
