/**
 * The issue's router — a query, a mutation, zod-validated input that fails,
 * a thrown TRPCError, a subscription — served with `implementRouter` and
 * called by a stock tRPC client through `interofficeLink`, over every
 * transport in `transportCases`.
 */
import { RpcError } from '@interoffice/core';
import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { skippedCases, transportCases, until, world } from './fixtures/world.js';

/** Everything a subscription's callbacks saw, once it ended. */
function collect<T>(
  subscribe: (callbacks: {
    onStarted: () => void;
    onData: (value: T) => void;
    onError: (error: unknown) => void;
    onStopped: () => void;
    onComplete: () => void;
  }) => unknown,
) {
  const events: string[] = [];
  const data: T[] = [];
  let error: unknown;
  const ended = new Promise<void>((resolve) =>
    subscribe({
      onStarted: () => events.push('started'),
      onData: (value) => data.push(value),
      onError: (e) => {
        error = e;
        events.push('error');
        resolve();
      },
      onStopped: () => events.push('stopped'),
      onComplete: () => {
        events.push('complete');
        resolve();
      },
    }),
  );
  return { events, data, ended, error: () => error };
}

describe.each(transportCases)('tRPC over $name', (tc) => {
  it('answers a query and a mutation, nested routers included', async () => {
    const { client } = await world(tc);
    expect(await client.greeting.query({ name: 'Bob' })).toBe('hello Bob');
    expect(await client.greeting.query({ name: 'Bob', excited: true })).toBe('hello Bob!');
    expect(await client.hello.query()).toBe('hello world');
    expect(await client.square.query(7)).toBe(49);
    expect(await client.post.add.mutate({ title: 'first' })).toEqual({ id: 1, title: 'first' });
    expect(await client.post.byId.query({ id: 1 })).toEqual({ id: 1, title: 'first' });
  });

  it('refuses input the zod schema rejects with BAD_REQUEST, and keeps serving', async () => {
    const { client } = await world(tc);
    const error = await client.post.add.mutate({ title: '' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    const e = error as TRPCClientError<never>;
    expect(e.data).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400, path: 'post.add' });
    expect(e.shape).toMatchObject({ code: -32600 });
    // The Interoffice side: INVALID_ARGUMENT with the schema's issues.
    expect(e.cause).toBeInstanceOf(RpcError);
    expect(e.cause).toMatchObject({ code: 'INVALID_ARGUMENT', details: { issues: [{ path: ['title'], code: 'too_small' }] } });
    expect(await client.post.add.mutate({ title: 'fine' })).toMatchObject({ title: 'fine' });
  });

  it('delivers a thrown TRPCError with its own code, message and path', async () => {
    const { client } = await world(tc);
    await expect(client.forbidden.query()).rejects.toMatchObject({
      message: 'members only',
      data: { code: 'FORBIDDEN', httpStatus: 403, path: 'forbidden' },
      cause: { code: 'PERMISSION_DENIED' },
    });
    await expect(client.post.byId.query({ id: 99 })).rejects.toMatchObject({
      message: 'no post 99',
      data: { code: 'NOT_FOUND', httpStatus: 404 },
    });
  });

  it('hides what a crash says, logs it, and sends no stack', async () => {
    const { client, log } = await world(tc);
    const e = (await client.crash.query().catch((x: unknown) => x)) as TRPCClientError<never>;
    expect(e.message).toBe('internal error');
    expect(e.data).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', httpStatus: 500 });
    expect(JSON.stringify(e.shape)).not.toMatch(/hunter2|stack|at /);
    expect(log.errors).toHaveLength(1);
    expect(String((log.errors[0]?.error as Error | undefined)?.message)).toContain('hunter2');
  });

  it('streams a subscription: started, tracked events in order, stopped', async () => {
    const { client } = await world(tc);
    const sub = collect<{ id: string; data: number }>((cb) => client.count.subscribe({ from: 1, to: 5 }, cb));
    await sub.ended;
    expect(sub.error()).toBeUndefined();
    expect(sub.events).toEqual(['started', 'stopped', 'complete']);
    expect(sub.data).toEqual([1, 2, 3, 4, 5].map((i) => ({ id: String(i), data: i })));
  });

  it('ends a subscription with the TRPCError its generator throws midway', async () => {
    const { client } = await world(tc);
    const sub = collect<string>((cb) => client.letters.subscribe({ text: 'abcdef', failAfter: 3 }, cb));
    await sub.ended;
    expect(sub.data).toEqual(['a', 'b', 'c']);
    expect(sub.events).toEqual(['started', 'error']);
    expect(sub.error()).toMatchObject({ message: 'stopped after 3', data: { code: 'CONFLICT' } });
  });

  it('reads subscriptions with for await, and breaking out stops the procedure', async () => {
    const { client, seen } = await world(tc);
    const got: number[] = [];
    for await (const event of client.count.subscribe({ from: 1, to: 1000, everyMs: 5 })) {
      got.push(event.data);
      if (got.length === 3) break;
    }
    expect(got).toEqual([1, 2, 3]);
    await until(() => seen.aborted.includes('count'));
    expect(seen.finished).not.toContain('count');
  });

  it("cancels a query through the operation's signal, on both sides", async () => {
    const { client, seen } = await world(tc);
    const ac = new AbortController();
    const pending = client.slow.query({ ms: 10_000 }, { signal: ac.signal });
    await until(() => seen.started.includes('slow')); // running on the server, so its abort is seen there
    const abortedAt = Date.now();
    ac.abort();
    await expect(pending).rejects.toMatchObject({ data: { code: 'CLIENT_CLOSED_REQUEST' }, cause: { code: 'CANCELLED' } });
    expect(Date.now() - abortedAt).toBeLessThan(5000); // at the abort, not the query's 10 s
    await until(() => seen.aborted.includes('slow'));
    expect(seen.finished).not.toContain('slow');
  });

  it("builds the router's context from the call's metadata and peer", async () => {
    const { client } = await world(tc, { meta: ({ op }) => ({ 'x-user': `alice-${op.path}` }) });
    expect(await client.whoami.query()).toEqual({ user: 'alice-whoami', transport: new URL(tcUrl(tc)).protocol.slice(0, -1) });
  });
});

for (const { name, reason } of skippedCases) {
  describe.skip(`tRPC over ${name} (skipped: ${reason})`, () => {
    it('runs the same cases', () => {});
  });
}

/** The URL scheme a case listens on, for the peer's transport name. */
function tcUrl(tc: (typeof transportCases)[number]): string {
  return tc.address();
}
