/** implementRouter: how procedures become services, and what a plain JSON-RPC peer sees of them. */
import { connect, memoryTransport, serve, type ServiceImplementation } from '@interoffice/core';
import { socketTransport } from '@interoffice/transport-socket';
import { createTRPCClient } from '@trpc/client';
import { initTRPC, lazy, TRPCError } from '@trpc/server';
import { observable } from '@trpc/server/observable';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { implementRouter, interofficeLink, loadLazyRouters, type TRPCErrorHandlerOptions } from '../src/index.js';
import { dates } from './fixtures/dates.js';
import { RawSocket } from './fixtures/raw.js';
import { makeRouter } from './fixtures/router.js';
import { later, memoryLogger, socketPath } from './fixtures/world.js';

const quiet = memoryLogger().logger;
const ctx = { createContext: () => ({ user: undefined, transport: 'test' }) };

describe('implementRouter', () => {
  it("makes one service per router level, named after the procedures' paths", () => {
    const services = implementRouter(makeRouter(), ctx).map((i) => i.service);
    expect(services.map((s) => s.name)).toEqual(['trpc', 'trpc.post']);
    expect(services[1]?.methods).toMatchObject({ add: { fullName: 'trpc.post.add', kind: 'unary' }, byId: { kind: 'unary' } });
    expect(services[0]?.methods).toMatchObject({ count: { kind: 'serverStream' }, greeting: { description: 'Say hello' } });
    const prefixed = implementRouter(makeRouter(), { ...ctx, prefix: 'app.v1' }).map((i) => i.service.name);
    expect(prefixed).toEqual(['app.v1', 'app.v1.post']);
  });

  it('refuses procedure keys that cannot be Interoffice method names, naming them', () => {
    const t = initTRPC.create();
    const router = t.router({ 'get-user': t.procedure.query(() => 1) });
    expect(() => implementRouter(router)).toThrow(/invalid method name "get-user"/);
  });

  it('serves lazy sub-routers once they are loaded', async () => {
    const t = initTRPC.create();
    const inner = t.router({ ping: t.procedure.query(() => 'pong') });
    const router = t.router({ later: lazy(async () => inner) });
    expect(() => implementRouter(router)).toThrow(/load the lazy routers first \(later\)/);
    await loadLazyRouters(router);
    expect(implementRouter(router).map((i) => i.service.name)).toEqual(['trpc.later']);
  });

  it('requires the link and the server to agree on the prefix', async () => {
    const transports = [memoryTransport()];
    const server = await serve(implementRouter(makeRouter(), { ...ctx, prefix: 'app' }), {
      listen: ['memory://prefix'],
      transports,
    });
    later(() => server.close({ graceMs: 0 }));
    const channel = await connect('memory://prefix', { transports });
    later(() => channel.close());
    const right = createTRPCClient<ReturnType<typeof makeRouter>>({ links: [interofficeLink({ channel, prefix: 'app' })] });
    expect(await right.hello.query()).toBe('hello world');
    const wrong = createTRPCClient<ReturnType<typeof makeRouter>>({ links: [interofficeLink({ channel })] });
    await expect(wrong.hello.query()).rejects.toMatchObject({
      data: { code: 'NOT_IMPLEMENTED' },
      cause: { code: 'UNIMPLEMENTED' },
    });
  });
});

describe('a plain JSON-RPC peer on the unix socket', () => {
  async function peer(): Promise<RawSocket> {
    const path = socketPath();
    const server = await serve(implementRouter(makeRouter(), { ...ctx, logger: quiet }), {
      listen: [`unix://${path}`],
      transports: [socketTransport()],
      logger: quiet,
    });
    later(() => server.close({ graceMs: 0 }));
    const raw = await RawSocket.open(path);
    later(() => raw.close());
    return raw;
  }

  it('calls procedures by qualified and short name, by name and by position', async () => {
    const raw = await peer();
    raw.send({ jsonrpc: '2.0', id: 1, method: 'trpc.greeting', params: { name: 'Py' } });
    expect(await raw.next()).toEqual({ jsonrpc: '2.0', id: 1, result: 'hello Py' });
    raw.send({ jsonrpc: '2.0', id: 2, method: 'greeting', params: ['Py', true] });
    expect(await raw.next()).toMatchObject({ id: 2, result: 'hello Py!' });
    raw.send({ jsonrpc: '2.0', id: 3, method: 'trpc.square', params: [9] });
    expect(await raw.next()).toMatchObject({ id: 3, result: 81 });
    raw.send({ jsonrpc: '2.0', id: 4, method: 'trpc.hello' });
    expect(await raw.next()).toMatchObject({ id: 4, result: 'hello world' });
  });

  it('gets tRPC errors as Interoffice errors, with the tRPC shape in the details', async () => {
    const raw = await peer();
    raw.send({ jsonrpc: '2.0', id: 1, method: 'trpc.post.byId', params: { id: 5 } });
    expect(await raw.next()).toEqual({
      jsonrpc: '2.0',
      id: 1,
      error: {
        code: -32005,
        message: 'no post 5',
        data: {
          code: 'NOT_FOUND',
          details: {
            trpc: { message: 'no post 5', code: -32004, data: { code: 'NOT_FOUND', httpStatus: 404, path: 'post.byId' } },
          },
        },
      },
    });
    raw.send({ jsonrpc: '2.0', id: 2, method: 'trpc.post.add', params: { title: 7 } });
    const bad = (await raw.next()) as { error: { code: number; data: { code: string; details: { issues: unknown[] } } } };
    expect(bad.error.code).toBe(-32602);
    expect(bad.error.data.code).toBe('INVALID_ARGUMENT');
    expect(bad.error.data.details.issues).toEqual([{ path: ['title'], message: expect.any(String), code: 'invalid_type' }]);
  });

  it('reads a subscription as a server stream of tRPC result messages', async () => {
    const raw = await peer();
    raw.send({ jsonrpc: '2.0', id: 7, method: 'trpc.count', params: { from: 1, to: 2 } });
    expect(await raw.next()).toEqual({ jsonrpc: '2.0', id: 7, item: { type: 'started' } });
    expect(await raw.next()).toEqual({ jsonrpc: '2.0', id: 7, item: { type: 'data', id: '1', data: 1 } });
    expect(await raw.next()).toEqual({ jsonrpc: '2.0', id: 7, item: { type: 'data', id: '2', data: 2 } });
    expect(await raw.next()).toEqual({ jsonrpc: '2.0', id: 7, result: null });
  });

  it('discovers the procedures with their input schemas', async () => {
    const raw = await peer();
    raw.send({ jsonrpc: '2.0', id: 1, method: 'rpc.discover' });
    const doc = (await raw.next()).result as {
      methods: { name: string; description?: string; params: { name: string }[]; 'x-interoffice-kind': string }[];
    };
    const byName = new Map(doc.methods.map((m) => [m.name, m]));
    expect(byName.get('trpc.greeting')).toMatchObject({
      description: 'Say hello',
      params: [{ name: 'name' }, { name: 'excited' }],
    });
    expect(byName.get('trpc.count')?.['x-interoffice-kind']).toBe('serverStream');
    expect(byName.get('trpc.post.add')?.params).toEqual([
      { name: 'title', required: true, schema: expect.objectContaining({ type: 'string' }) },
    ]);
  });
});

describe('the server side of a call', () => {
  async function client(services: ServiceImplementation[]) {
    const transports = [memoryTransport()];
    const url = `memory://side-${Math.random()}`;
    const server = await serve(services, { listen: [url], transports, logger: quiet });
    later(() => server.close({ graceMs: 0 }));
    const channel = await connect(url, { transports });
    later(() => channel.close());
    return channel;
  }

  it("tells onError of every error, with tRPC's own options", async () => {
    const errors: TRPCErrorHandlerOptions[] = [];
    const channel = await client(implementRouter(makeRouter(), { ...ctx, onError: (o) => void errors.push(o), logger: quiet }));
    const trpc = createTRPCClient<ReturnType<typeof makeRouter>>({ links: [interofficeLink({ channel })] });
    await trpc.forbidden.query().catch(() => {});
    await trpc.post.add.mutate({ title: '' }).catch(() => {});
    expect(errors.map((e) => [e.path, e.type, e.error.code])).toEqual([
      ['forbidden', 'query', 'FORBIDDEN'],
      ['post.add', 'mutation', 'BAD_REQUEST'],
    ]);
    expect(errors[1]?.input).toEqual({ title: '' });
  });

  it('refuses a call whose createContext throws, with its code', async () => {
    const channel = await client(
      implementRouter(makeRouter(), {
        createContext: ({ call }) => {
          if (call.meta.authorization !== 'Bearer ok') throw new TRPCError({ code: 'UNAUTHORIZED', message: 'who are you?' });
          return { user: 'ok', transport: call.peer.transport };
        },
      }),
    );
    const anonymous = createTRPCClient<ReturnType<typeof makeRouter>>({ links: [interofficeLink({ channel })] });
    await expect(anonymous.hello.query()).rejects.toMatchObject({
      message: 'who are you?',
      data: { code: 'UNAUTHORIZED', httpStatus: 401 },
    });
    const known = createTRPCClient<ReturnType<typeof makeRouter>>({
      links: [interofficeLink({ channel, meta: { authorization: 'Bearer ok' } })],
    });
    expect(await known.whoami.query()).toEqual({ user: 'ok', transport: 'memory' });
  });

  it("applies the router's data transformer both ways, errors included", async () => {
    const t = initTRPC.create({ transformer: dates });
    const router = t.router({
      later: t.procedure
        .input(z.object({ at: z.date(), days: z.number() }))
        .query(({ input }) => new Date(input.at.getTime() + input.days * 86_400_000)),
      ticks: t.procedure.input(z.date()).subscription(async function* ({ input }) {
        yield { at: input };
      }),
      fail: t.procedure.query(() => {
        throw new TRPCError({ code: 'CONFLICT', message: 'no' });
      }),
    });
    const channel = await client(implementRouter(router));
    const trpc = createTRPCClient<typeof router>({ links: [interofficeLink({ channel, transformer: dates })] });
    const at = new Date('2026-01-01T00:00:00Z');
    const result = await trpc.later.query({ at, days: 2 });
    expect(result).toBeInstanceOf(Date);
    expect(result.toISOString()).toBe('2026-01-03T00:00:00.000Z');
    const got: unknown[] = [];
    for await (const v of trpc.ticks.subscribe(at)) got.push(v);
    expect(got).toEqual([{ at }]);
    await expect(trpc.fail.query()).rejects.toMatchObject({ data: { code: 'CONFLICT' } });
  });

  it('serves observable subscriptions too', async () => {
    const t = initTRPC.create();
    const router = t.router({
      old: t.procedure.subscription(() =>
        observable<number>((emit) => {
          emit.next(1);
          emit.next(2);
          emit.complete();
        }),
      ),
    });
    const channel = await client(implementRouter(router));
    const trpc = createTRPCClient<typeof router>({ links: [interofficeLink({ channel })] });
    const got: number[] = [];
    for await (const v of trpc.old.subscribe()) got.push(v);
    expect(got).toEqual([1, 2]);
  });
});
