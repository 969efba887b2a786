/**
 * Type-level tests: `tsc -p tsconfig.test.json` (part of `pnpm test`) fails
 * if a `@ts-expect-error` line below compiles, or a type assertion is wrong.
 */
import { describe, expectTypeOf, it } from 'vitest';
import { createClient, implement, type CallContext, type Channel } from '../src/index.js';
import { Calculator, handlers } from './fixtures.js';

// Never called: createClient only builds functions around it.
const channel = {} as Channel;

describe('the typed client and server', () => {
  it('infer inputs and outputs from the zod schemas', () => {
    const calc = createClient(Calculator, channel);
    expectTypeOf(calc.add).parameter(0).toEqualTypeOf<{ a: number; b: number }>();
    expectTypeOf(calc.add).returns.toEqualTypeOf<Promise<number>>();
    expectTypeOf(calc.countdown).returns.toEqualTypeOf<AsyncIterable<number>>();
    expectTypeOf(calc.note).returns.toEqualTypeOf<Promise<void>>();
    expectTypeOf(calc.square).parameter(0).toEqualTypeOf<number>();
  });

  it('reject wrong argument types at compile time', () => {
    const calc = createClient(Calculator, channel);
    const never = (): void => {
      // @ts-expect-error: a is a number
      void calc.add({ a: 'bad', b: 'data' });
      // @ts-expect-error: b is missing
      void calc.add({ a: 1 });
      // @ts-expect-error: no such method
      void calc.subtract({ a: 1, b: 2 });
      // @ts-expect-error: the result is a number, not a string
      const s: Promise<string> = calc.add({ a: 1, b: 2 });
      void s;
    };
    void never;
  });

  it('type handlers: parsed input and a context in, the output type out', () => {
    implement(Calculator, {
      ...handlers(),
      add: (input, ctx) => {
        expectTypeOf(input).toEqualTypeOf<{ a: number; b: number }>();
        expectTypeOf(ctx).toEqualTypeOf<CallContext>();
        expectTypeOf(ctx.signal).toEqualTypeOf<AbortSignal>();
        return input.a + input.b;
      },
    });
    implement(Calculator, {
      ...handlers(),
      // @ts-expect-error: a handler must return the output type
      add: () => 'seven',
    });
    const never = (): void => {
      // @ts-expect-error: every method needs a handler
      implement(Calculator, { add: ({ a, b }) => a + b });
    };
    void never;
  });
});

describe('resumable streams', () => {
  it('their handlers yield tracked items, and their clients read plain ones', async () => {
    const { z } = await import('zod');
    const { defineService, serverStream, tracked } = await import('../src/index.js');
    const Feed = defineService('Feed', {
      ticks: serverStream({ input: z.object({ count: z.number() }), output: z.number(), resumable: true }),
    });
    implement(Feed, {
      ticks: async function* ({ count }, ctx) {
        expectTypeOf(ctx.resumeAfter).toEqualTypeOf<string | undefined>();
        for (let i = 0; i < count; i++) yield tracked(String(i), i);
      },
    });
    implement(Feed, {
      // @ts-expect-error: a resumable stream's items need ids (tracked(id, item))
      ticks: async function* () {
        yield 1;
      },
    });
    expectTypeOf(createClient(Feed, channel).ticks).returns.toEqualTypeOf<AsyncIterable<number>>();
  });
});
