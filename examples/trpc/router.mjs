// Alice's tRPC router: an ordinary tRPC v11 router, nothing Interoffice about it.
import { initTRPC, tracked, TRPCError } from '@trpc/server';
import { z } from 'zod';

const t = initTRPC.context().create();
const posts = [];

export const appRouter = t.router({
  // A query: tRPC validates the input with zod.
  greeting: t.procedure
    .input(z.object({ name: z.string() }))
    .query(({ input, ctx }) => `hello ${input.name}, from ${ctx.transport}${ctx.user ? ` (you are ${ctx.user})` : ''}`),

  post: t.router({
    // A mutation.
    add: t.procedure.input(z.object({ title: z.string().min(1) })).mutation(({ input }) => {
      const post = { id: posts.length + 1, title: input.title };
      posts.push(post);
      return post;
    }),
    // A thrown TRPCError reaches the caller with its code.
    byId: t.procedure.input(z.object({ id: z.number().int() })).query(({ input }) => {
      const post = posts.find((p) => p.id === input.id);
      if (!post) throw new TRPCError({ code: 'NOT_FOUND', message: `no post ${input.id}` });
      return post;
    }),
  }),

  // A subscription: an async generator. Tracked events let a client that lost the connection
  // resume after the last event it got (`lastEventId`).
  count: t.procedure
    .input(z.object({ to: z.number().int(), everyMs: z.number().default(100), lastEventId: z.string().optional() }))
    .subscription(async function* ({ input, signal }) {
      const from = input.lastEventId === undefined ? 1 : Number(input.lastEventId) + 1;
      for (let i = from; i <= input.to && !signal?.aborted; i++) {
        await new Promise((r) => setTimeout(r, input.everyMs));
        yield tracked(String(i), i);
      }
    }),
});
