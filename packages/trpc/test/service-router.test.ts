/**
 * serviceRouter: an Interoffice service (zod-defined, served on a unix
 * socket) mounted as a tRPC router behind tRPC's own standalone HTTP server,
 * called by a stock tRPC client over HTTP as a browser would.
 */
import type { AddressInfo } from 'node:net';
import { connect, serve } from '@interoffice/core';
import { socketTransport } from '@interoffice/transport-socket';
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import { initTRPC } from '@trpc/server';
import { createHTTPServer } from '@trpc/server/adapters/standalone';
import { describe, expect, it } from 'vitest';
import { serviceRouter } from '../src/index.js';
import { calculator, Calculator } from './fixtures/calculator.js';
import { later, socketPath, until } from './fixtures/world.js';

interface HttpContext {
  user: string | undefined;
}

async function gateway() {
  const notes: string[] = [];
  const path = socketPath();
  const service = await serve(calculator(notes), { listen: [`unix://${path}`], transports: [socketTransport()] });
  later(() => service.close({ graceMs: 0 }));
  const channel = await connect(`unix://${path}`, { transports: [socketTransport()] });
  later(() => channel.close());
  const router = serviceRouter(Calculator, channel, {
    queries: ['add', 'whoami'],
    meta: ({ ctx }: { ctx: HttpContext }) => (ctx.user === undefined ? undefined : { 'x-user': ctx.user }),
  });
  const http = createHTTPServer({
    router,
    createContext: ({ req }): HttpContext => ({ user: req.headers['x-user'] as string | undefined }),
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  later(() => new Promise((resolve) => http.close(resolve)));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const client = createTRPCClient<typeof router>({ links: [httpLink({ url, headers: { 'x-user': 'carol' } })] });
  return { url, client, router, notes, service };
}

describe('an Interoffice service behind tRPC over HTTP', () => {
  it('answers queries (GET, as a browser sends them) and mutations', async () => {
    const { url, client } = await gateway();
    expect(await client.add.query({ a: 2, b: 5 })).toBe(7);
    expect(await client.divide.mutate({ a: 1, b: 4 })).toBe(0.25);
    const res = await fetch(`${url}/add?input=${encodeURIComponent(JSON.stringify({ a: 40, b: 2 }))}`);
    expect(await res.json()).toEqual({ result: { data: 42 } });
    const post = await fetch(`${url}/add`, {
      method: 'POST',
      body: '{"a":1,"b":1}',
      headers: { 'content-type': 'application/json' },
    });
    expect(post.status).toBe(405); // a query is not a mutation
  });

  it("maps the service's errors to tRPC codes and HTTP statuses, without stacks", async () => {
    const { client } = await gateway();
    const broke = (await client.divide.mutate({ a: 1, b: 0 }).catch((e: unknown) => e)) as TRPCClientError<never>;
    expect(broke).toBeInstanceOf(TRPCClientError);
    expect(broke.message).toBe('division by zero');
    expect(broke.data).toEqual({ code: 'BAD_REQUEST', httpStatus: 400, path: 'divide' });
    await expect(client.secret.mutate({})).rejects.toMatchObject({
      message: 'not for you',
      data: { code: 'FORBIDDEN', httpStatus: 403 },
    });
    await expect(client.add.query({ a: 'x' } as never)).rejects.toMatchObject({
      message: expect.stringContaining('a: Invalid input'),
      data: { code: 'BAD_REQUEST' },
    });
  });

  it('forwards what the tRPC context knows as Interoffice metadata', async () => {
    const { client } = await gateway();
    expect(await client.whoami.query({})).toBe('carol');
  });

  it('turns notifications into mutations and server streams into subscriptions', async () => {
    const { url, client, router, notes } = await gateway();
    expect(await client.note.mutate({ text: 'hi' })).toBeUndefined();
    await until(() => notes.includes('hi'));
    const got: number[] = [];
    for await (const n of await router.createCaller({ user: undefined }).countdown({ from: 3 })) got.push(n);
    expect(got).toEqual([3, 2, 1, 0]);
    // Over HTTP, a subscription is tRPC's server-sent events.
    const sse = await (await fetch(`${url}/countdown?input=${encodeURIComponent('{"from":2}')}`)).text();
    expect([...sse.matchAll(/^data: (\d+)$/gm)].map((m) => Number(m[1]))).toEqual([2, 1, 0]);
  });

  it('answers SERVICE_UNAVAILABLE while the service is down', async () => {
    const { client, service } = await gateway();
    expect(await client.add.query({ a: 1, b: 1 })).toBe(2);
    await service.close({ graceMs: 0 });
    await expect(client.add.query({ a: 1, b: 1 })).rejects.toMatchObject({
      data: { code: 'SERVICE_UNAVAILABLE', httpStatus: 503 },
    });
  });

  it('mounts under a path of a larger router', async () => {
    const { router } = await gateway();
    const t = initTRPC.context<HttpContext>().create();
    const app = t.router({ calc: router, ping: t.procedure.query(() => 'pong') });
    const caller = app.createCaller({ user: 'dave' });
    expect(await caller.calc.add({ a: 1, b: 2 })).toBe(3);
    expect(await caller.calc.whoami({})).toBe('dave');
  });
});
