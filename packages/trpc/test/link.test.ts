/**
 * interofficeLink's own behaviour: deadlines, an unreachable server,
 * stopping subscriptions, and subscriptions that outlive their connection —
 * a server killed with SIGKILL and started again, or the call's deadline.
 */
import { connect } from '@interoffice/core';
import { socketTransport } from '@interoffice/transport-socket';
import { createTRPCClient, type TRPCClientError, type TRPCLink } from '@trpc/client';
import type { AnyTRPCRouter } from '@trpc/server';
import { observable } from '@trpc/server/observable';
import { describe, expect, it } from 'vitest';
import { interofficeLink } from '../src/index.js';
import { exited, example } from './fixtures/processes.js';
import { later, socketPath, transportCases, until, world } from './fixtures/world.js';

const [memory, unix] = transportCases as [(typeof transportCases)[number], (typeof transportCases)[number]];

describe('queries and mutations through the link', () => {
  it('fail with TIMEOUT at their deadline, and the procedure is stopped', async () => {
    const { client, seen } = await world(unix, { timeout: 200 });
    const started = Date.now();
    await expect(client.slow.query({ ms: 10_000 })).rejects.toMatchObject({
      data: { code: 'TIMEOUT' },
      cause: { code: 'DEADLINE_EXCEEDED' },
    });
    expect(Date.now() - started).toBeLessThan(5000); // the 200 ms timeout, not the query's 10 s
    await until(() => seen.aborted.includes('slow'));
  });

  it('fail with SERVICE_UNAVAILABLE at once while the server is down', async () => {
    const { client, server } = await world(unix);
    expect(await client.hello.query()).toBe('hello world');
    await server.close({ graceMs: 0 });
    const started = Date.now();
    await expect(client.hello.query()).rejects.toMatchObject({ data: { code: 'SERVICE_UNAVAILABLE', httpStatus: 503 } });
    expect(Date.now() - started).toBeLessThan(5000); // at once, not at the link's 30 s deadline
  });

  it('with waitForReady, wait for a server that is not up yet', async () => {
    const path = socketPath();
    const first = await example('alice.mjs', [`unix://${path}`]);
    const channel = await connect(`unix://${path}`, { transports: [socketTransport()] });
    later(() => channel.close());
    const trpc = createTRPCClient<AnyTRPCRouter>({ links: [interofficeLink({ channel, waitForReady: true, timeout: 20_000 })] });
    const greeting = (trpc as unknown as { greeting: { query(i: unknown): Promise<string> } }).greeting;
    expect(await greeting.query({ name: 'early' })).toBe('hello early, from unix');
    first.child.kill('SIGKILL');
    await exited(first.child);
    await new Promise((r) => setTimeout(r, 200)); // for the client to see its connection go
    const answer = greeting.query({ name: 'late' }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 300)); // not a condition: the query must wait with no server up (shorter only weakens this)
    await example('alice.mjs', [`unix://${path}`]);
    expect(await answer).toBe('hello late, from unix');
  }, 30_000);

  it('refuse deadlines a timer cannot wait for, naming the option', async () => {
    const { channel } = await world(memory);
    const days = (n: number): number => n * 24 * 3600 * 1000;
    expect(() => interofficeLink({ channel, subscriptionTimeout: days(30) })).toThrow(
      /subscriptionTimeout must be a number of milliseconds from 1 to 2147483647, not/,
    );
    expect(() => interofficeLink({ channel, subscriptionTimeout: Infinity })).toThrow(/subscriptionTimeout/);
    expect(() => interofficeLink({ channel, timeout: 0 })).toThrow(/timeout must be .* or Infinity, not 0/);
    expect(() => interofficeLink({ channel, timeout: Infinity, subscriptionTimeout: days(20) })).not.toThrow();
  });

  it('take metadata from an async function of the operation', async () => {
    const { client } = await world(memory, { meta: async ({ op }) => ({ 'x-user': `${op.type}:${op.id}` }) });
    expect(await client.whoami.query()).toMatchObject({ user: expect.stringMatching(/^query:\d+$/) });
  });
});

describe('response metadata through the link', () => {
  it("is handed on: to the operation's context.onResponseMeta, and as the result's context.meta", async () => {
    const { channel } = await world(memory);
    const seen: unknown[] = [];
    // A link before ours, reading the result's context as it would httpLink's response.
    const spy: TRPCLink<AnyTRPCRouter> =
      () =>
      ({ op, next }) =>
        observable((observer) =>
          next(op).subscribe({
            next: (value) => {
              seen.push(value.context);
              observer.next(value);
            },
            error: (e) => observer.error(e),
            complete: () => observer.complete(),
          }),
        );
    const trpc = createTRPCClient<AnyTRPCRouter>({ links: [spy, interofficeLink({ channel })] });
    const hello = (trpc as unknown as { hello: { query(i: undefined, o: unknown): Promise<string> } }).hello;
    const got: unknown[] = [];
    expect(await hello.query(undefined, { context: { onResponseMeta: (m: unknown) => got.push(m) } })).toBe('hello world');
    expect(got).toEqual([{ 'x-served-over': 'memory' }]);
    expect(seen).toEqual([{ meta: { 'x-served-over': 'memory' } }]);
  });
});

describe('subscriptions through the link', () => {
  it("stop on unsubscribe and on the operation's signal, on both sides", async () => {
    const { client, seen } = await world(unix);
    const got: number[] = [];
    const sub = client.count.subscribe({ from: 1, to: 10_000, everyMs: 5 }, { onData: (e) => got.push(e.data) });
    await until(() => got.length >= 2);
    sub.unsubscribe();
    await until(() => seen.aborted.length === 1);
    const ac = new AbortController();
    const more: number[] = [];
    client.count.subscribe({ from: 1, to: 10_000, everyMs: 5 }, { signal: ac.signal, onData: (e) => more.push(e.data) });
    await until(() => more.length >= 2);
    ac.abort();
    await until(() => seen.aborted.length === 2);
    expect(seen.finished).toEqual([]);
  });

  it('start again after their deadline, resuming after the last tracked event', async () => {
    const { client, seen } = await world(unix, { subscriptionTimeout: 400 });
    const got: number[] = [];
    const states: string[] = [];
    await new Promise<void>((resolve, reject) =>
      client.count.subscribe(
        { from: 1, to: 25, everyMs: 40 },
        {
          onData: (e) => got.push(e.data),
          onConnectionStateChange: (s) =>
            states.push(s.state + (s.error === null ? '' : `:${(s.error as TRPCClientError<AnyTRPCRouter>).data?.code}`)),
          onComplete: resolve,
          onError: reject,
        },
      ),
    );
    expect(got).toEqual(Array.from({ length: 25 }, (_, i) => i + 1)); // each once, in order
    expect(seen.lastEventIds[0]).toBeUndefined();
    expect(seen.lastEventIds.some((id) => id !== undefined)).toBe(true); // a restart resumed
    expect(states).toContain('connecting:TIMEOUT');
    expect(states.at(-1)).toBe('idle');
  });

  it('survive their server being killed (SIGKILL) and started again', async () => {
    const path = socketPath();
    const url = `unix://${path}`;
    const alice = await example('alice.mjs', [url]);
    const channel = await connect(url, { transports: [socketTransport()] });
    later(() => channel.close());
    const trpc = createTRPCClient<AnyTRPCRouter>({ links: [interofficeLink({ channel })] });
    const count = (trpc as unknown as { count: { subscribe: (i: unknown, o: object) => unknown } }).count;
    const got: number[] = [];
    const states: string[] = [];
    const done = new Promise<void>((resolve, reject) =>
      count.subscribe(
        { to: 20, everyMs: 30 },
        {
          onData: (e: { data: number }) => got.push(e.data),
          onConnectionStateChange: (s: { state: string; error: { data?: { code?: string } } | null }) =>
            states.push(s.state + (s.error === null ? '' : `:${s.error.data?.code}`)),
          onComplete: resolve,
          onError: reject,
        },
      ),
    );
    await until(() => got.length >= 5);
    alice.child.kill('SIGKILL');
    await exited(alice.child);
    await new Promise((r) => setTimeout(r, 300)); // not a condition: the subscription runs a while with no server (shorter only weakens this)
    await example('alice.mjs', [url]); // the same socket path: the dead server's file is stale
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      done,
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`still subscribed after 20 s: got ${got.join(',')}; states ${states.join(' ')}`)),
          20_000,
        );
      }),
    ]).finally(() => clearTimeout(timer));
    expect(got).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(states).toContain('connecting:SERVICE_UNAVAILABLE');
  }, 60_000);
});
