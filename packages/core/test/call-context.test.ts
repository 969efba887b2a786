// One call context across hops: A calls B, B's handler calls C with `parent: ctx`.
// The leaf C reports what it inherited: the deadline left, and its signal's abort.
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  type CallContext,
  type CallOptions,
  type Inheritance,
  type Middleware,
  RpcError,
  connect,
  createClient,
  defineService,
  implement,
  memoryTransport,
  serve,
  unary,
} from '../src/index.js';
import { until } from './shared/until.js';

const Hop = defineService('test.Hop', {
  /** B: calls C; `after: 'abort'` waits for its own signal to abort first. */
  relay: unary({
    input: z.object({ after: z.enum(['now', 'abort']), inherit: z.record(z.string(), z.boolean()).optional() }),
    output: z.object({ remaining: z.number() }),
  }),
  /** C: the deadline left when it started; `wait` waits for its signal (or a release). */
  leaf: unary({ input: z.object({ wait: z.boolean() }), output: z.object({ remaining: z.number() }) }),
});

const quiet = { warn: () => {}, error: () => {} };
let n = 0;
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function chain(middleware: Middleware[] = []) {
  const transports = [memoryTransport()];
  const seen = { leafStarted: false, leafAbort: undefined as unknown, relayStarted: false, relayOutcome: '' };
  const cUrl = `memory://hop-c-${n++}`;
  const bUrl = `memory://hop-b-${n++}`;
  const c = await serve(
    implement(Hop, {
      relay: () => ({ remaining: 0 }),
      leaf: ({ wait }, ctx) => {
        seen.leafStarted = true;
        const remaining = ctx.deadline - Date.now();
        if (!wait) return { remaining };
        return new Promise((_resolve, reject) =>
          ctx.signal.addEventListener('abort', () => {
            seen.leafAbort = ctx.signal.reason;
            reject(ctx.signal.reason);
          }),
        );
      },
    }),
    { listen: [cUrl], transports, logger: quiet },
  );
  closers.push(() => c.close({ graceMs: 0 }));
  const toC = await connect(cUrl, { transports });
  closers.push(() => toC.close());
  const cClient = createClient(Hop, toC, { middleware });
  const b = await serve(
    implement(Hop, {
      relay: async ({ after, inherit }, ctx: CallContext) => {
        seen.relayStarted = true;
        if (after === 'abort') await new Promise((r) => ctx.signal.addEventListener('abort', r));
        const options: CallOptions = { parent: ctx, inherit: inherit as Inheritance | undefined };
        try {
          const out = await cClient.leaf({ wait: after === 'now' && inherit?.cancel !== false }, options);
          seen.relayOutcome = 'answered';
          return out;
        } catch (e) {
          seen.relayOutcome = (e as RpcError).code;
          throw e;
        }
      },
      leaf: () => ({ remaining: 0 }),
    }),
    { listen: [bUrl], transports, logger: quiet },
  );
  closers.push(() => b.close({ graceMs: 0 }));
  const toB = await connect(bUrl, { transports });
  closers.push(() => toB.close());
  return { seen, a: createClient(Hop, toB), cClient };
}

describe('one call context across hops', () => {
  it('a deadline of 200 ms at A reaches C as less', async () => {
    const { a } = await chain();
    const { remaining } = await a.relay({ after: 'now', inherit: { cancel: false } }, { timeout: 200 });
    expect(remaining).toBeGreaterThan(0);
    expect(remaining).toBeLessThanOrEqual(200);
  });

  it('a shorter timeout of the call itself wins over the parent deadline', async () => {
    const { cClient } = await chain();
    const parent = { deadline: Date.now() + 10_000, signal: new AbortController().signal } as CallContext;
    const { remaining } = await cClient.leaf({ wait: false }, { parent, timeout: 100 });
    expect(remaining).toBeLessThanOrEqual(100);
  });

  it('cancelling A aborts the signal of the handler two hops away', async () => {
    const { a, seen } = await chain();
    const ac = new AbortController();
    const call = a.relay({ after: 'now' }, { signal: ac.signal, timeout: 5000 });
    await until(() => seen.leafStarted);
    ac.abort();
    await expect(call).rejects.toMatchObject({ code: 'CANCELLED' });
    await until(() => seen.leafAbort !== undefined);
    expect(seen.leafAbort).toBeInstanceOf(RpcError);
    expect((seen.leafAbort as RpcError).code).toBe('CANCELLED');
  });

  it('a call made from a cancelled handler fails at once, unless it opts out of the cancellation', async () => {
    const { a, seen } = await chain();
    for (const [inherit, outcome] of [
      [undefined, 'CANCELLED'],
      [{ cancel: false }, 'answered'],
    ] as const) {
      seen.relayOutcome = '';
      seen.relayStarted = false;
      const ac = new AbortController();
      const call = a.relay({ after: 'abort', inherit }, { signal: ac.signal, timeout: 5000 });
      await until(() => seen.relayStarted);
      ac.abort();
      await expect(call).rejects.toMatchObject({ code: 'CANCELLED' }); // A's own call
      // B's call to C after B was cancelled: refused at once when inherited, answered when not.
      await until(() => seen.relayOutcome !== '');
      expect(seen.relayOutcome).toBe(outcome);
    }
  });

  it('inherit: { deadline: false } keeps the client default instead of the parent deadline', async () => {
    const { a } = await chain();
    const { remaining } = await a.relay({ after: 'now', inherit: { deadline: false, cancel: false } }, { timeout: 200 });
    expect(remaining).toBeGreaterThan(20_000); // the default 30 s
  });

  it('middleware sees the parent, or null when the call opts out of the trace', async () => {
    const parents: unknown[] = [];
    const mw: Middleware = (call, next) => {
      parents.push(call.parent === null ? 'null' : call.parent?.method.name);
      expect(call.peer?.address).toMatch(/^memory:\/\/hop-c-/); // the server, as the client addresses it
      return next();
    };
    const { a, cClient } = await chain([mw]);
    await a.relay({ after: 'now', inherit: { cancel: false } });
    await a.relay({ after: 'now', inherit: { cancel: false, trace: false } });
    await cClient.leaf({ wait: false });
    expect(parents).toEqual(['relay', 'null', undefined]);
  });

  it("middleware sees the server's URL without credentials", async () => {
    const transports = [memoryTransport()];
    const url = `memory://user:secret@hop-k-${n++}`;
    const server = await serve(implement(Hop, { relay: () => ({ remaining: 0 }), leaf: () => ({ remaining: 0 }) }), {
      listen: [url],
      transports,
      logger: quiet,
    });
    closers.push(() => server.close({ graceMs: 0 }));
    const seen: (string | undefined)[] = [];
    const channel = await connect(url, { transports });
    closers.push(() => channel.close());
    const client = createClient(Hop, channel, {
      middleware: [
        (call, next) => {
          seen.push(call.peer?.address);
          return next();
        },
      ],
    });
    await client.leaf({ wait: false });
    expect(seen).toEqual([url.replace('user:secret@', '')]);
  });
});
