/**
 * Type-level tests: `tsc -p tsconfig.test.json` (part of `pnpm test`) fails
 * if a `@ts-expect-error` line below compiles, or a type assertion is wrong.
 */
import type { Channel } from '@interoffice/core';
import { createTRPCClient } from '@trpc/client';
import { initTRPC } from '@trpc/server';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { implementRouter, interofficeLink, serviceRouter } from '../src/index.js';
import { Calculator } from './fixtures/calculator.js';
import { dates } from './fixtures/dates.js';
import { makeRouter, type AppRouter } from './fixtures/router.js';

// Never called: the link and the routers only build functions around it.
const channel = {} as Channel;

describe('a tRPC client through interofficeLink', () => {
  it("keeps the router's inferred inputs and outputs", () => {
    const trpc = createTRPCClient<AppRouter>({ links: [interofficeLink({ channel })] });
    expectTypeOf(trpc.greeting.query).parameter(0).toEqualTypeOf<{ name: string; excited?: boolean | undefined }>();
    expectTypeOf(trpc.greeting.query).returns.resolves.toEqualTypeOf<string>();
    expectTypeOf(trpc.square.query).returns.resolves.toEqualTypeOf<number>();
    expectTypeOf(trpc.post.add.mutate).parameter(0).toEqualTypeOf<{ title: string }>();
    expectTypeOf(trpc.post.add.mutate).returns.resolves.toEqualTypeOf<{ id: number; title: string }>();
    expectTypeOf(trpc.whoami.query).returns.resolves.toEqualTypeOf<{ user?: string | undefined; transport: string }>(); // as JSON carries it
    trpc.count.subscribe(
      { from: 1, to: 2 },
      { onData: (event) => expectTypeOf(event).toEqualTypeOf<{ id: string; data: number }>() },
    );
    trpc.letters.subscribe({ text: 'ab' }, { onData: (letter) => expectTypeOf(letter).toEqualTypeOf<string>() });
  });

  it('rejects what the router would reject, at compile time', () => {
    const trpc = createTRPCClient<AppRouter>({ links: [interofficeLink({ channel })] });
    const never = (): void => {
      // @ts-expect-error: name is a string
      void trpc.greeting.query({ name: 42 });
      // @ts-expect-error: title is missing
      void trpc.post.add.mutate({});
      // @ts-expect-error: post.add is a mutation, not a query
      void trpc.post.add.query({ title: 'x' });
      // @ts-expect-error: no such procedure
      void trpc.nothing.query();
      // @ts-expect-error: the result is a string
      const n: Promise<number> = trpc.greeting.query({ name: 'x' });
      void n;
    };
    void never;
  });

  it("asks for the router's transformer exactly when it has one", () => {
    const t = initTRPC.create({ transformer: dates });
    const withDates = t.router({ now: t.procedure.input(z.date()).query(({ input }) => input) });
    const ok = createTRPCClient<typeof withDates>({ links: [interofficeLink({ channel, transformer: dates })] });
    expectTypeOf(ok.now.query).returns.resolves.toEqualTypeOf<Date>(); // a Date, not its JSON string
    const never = (): void => {
      // @ts-expect-error: the router has a transformer, so the link needs it
      interofficeLink<typeof withDates>({ channel });
      // @ts-expect-error: this router has none
      interofficeLink<AppRouter>({ channel, transformer: dates });
    };
    void never;
  });
});

describe('implementRouter', () => {
  it("asks for createContext when the router's context has required fields, and types it", () => {
    implementRouter(makeRouter(), {
      createContext: ({ call, path, type }) => {
        expectTypeOf(call.meta).toEqualTypeOf<Readonly<Record<string, string>>>();
        expectTypeOf(path).toEqualTypeOf<string>();
        expectTypeOf(type).toEqualTypeOf<'query' | 'mutation' | 'subscription'>();
        return { user: call.meta['x-user'], transport: call.peer.transport };
      },
    });
    const t = initTRPC.create();
    implementRouter(t.router({ ping: t.procedure.query(() => 'pong') })); // no context needed
    const never = (): void => {
      // @ts-expect-error: the router needs { user, transport }
      implementRouter(makeRouter());
      // @ts-expect-error: transport is missing from the context
      implementRouter(makeRouter(), { createContext: () => ({ user: 'x' }) });
    };
    void never;
  });
});

describe('serviceRouter', () => {
  it("types the router's procedures from the service's schemas", () => {
    const router = serviceRouter(Calculator, channel, { queries: ['add'] });
    const trpc = createTRPCClient<typeof router>({ links: [interofficeLink({ channel })] });
    expectTypeOf(trpc.add.query).parameter(0).toEqualTypeOf<{ a: number; b: number }>();
    expectTypeOf(trpc.add.query).returns.resolves.toEqualTypeOf<number>();
    expectTypeOf(trpc.divide.mutate).returns.resolves.toEqualTypeOf<number>();
    expectTypeOf(trpc.note.mutate).returns.resolves.toEqualTypeOf<undefined>();
    trpc.countdown.subscribe({ from: 3 }, { onData: (n) => expectTypeOf(n).toEqualTypeOf<number>() });
    const never = (): void => {
      // @ts-expect-error: divide is not listed in queries, so it is a mutation
      void trpc.divide.query({ a: 1, b: 2 });
      // @ts-expect-error: a is a number
      void trpc.add.query({ a: 'x', b: 2 });
      // @ts-expect-error: countdown is a stream, it cannot be a query
      serviceRouter(Calculator, channel, { queries: ['countdown'] });
    };
    void never;
  });
});
