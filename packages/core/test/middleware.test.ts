import { describe, expect, it } from 'vitest';
import { RpcError, type CallContext, type Middleware } from '../src/index.js';
import { world } from './fixtures.js';

describe('middleware', () => {
  it('wraps calls on both sides, in order, with metadata both ways', async () => {
    const order: string[] = [];
    const clientMw: Middleware = async (call, next) => {
      order.push(`client:${call.side}:${call.method.name}:${JSON.stringify(call.input)}`);
      call.meta['x-trace'] = 'abc';
      const out = await next();
      order.push(`client:got:${String(out)}:${call.responseMeta['x-server']}`);
      return out;
    };
    const outer: Middleware = async (call, next) => {
      order.push(`server:outer:${call.meta['x-trace']}:${call.peer?.transport}`);
      call.responseMeta['x-server'] = 'alice';
      return next();
    };
    const inner: Middleware = async (call, next) => {
      order.push(`server:inner:${call.side}`);
      return next();
    };
    const w = await world({ client: { middleware: [clientMw] }, serve: { middleware: [outer, inner] } });
    try {
      expect(await w.calc.add({ a: 2, b: 5 })).toBe(7);
      expect(order).toEqual([
        'client:client:add:{"a":2,"b":5}',
        'server:outer:abc:memory',
        'server:inner:server',
        'client:got:7:alice',
      ]);
    } finally {
      await w.close();
    }
  });

  it('is skipped for a call it says it only passes through (passesThrough), on both sides, and runs otherwise', async () => {
    const ran: string[] = [];
    const tracer = (name: string): Middleware =>
      Object.assign(
        async (call: Parameters<Middleware>[0], next: () => Promise<unknown>) => {
          ran.push(`${name}:${call.side}`);
          return next();
        },
        // Passes through unless the call carries x-trace.
        { passesThrough: (call: Parameters<Middleware>[0]) => call.meta['x-trace'] === undefined },
      );
    const w = await world({ client: { middleware: [tracer('a')] }, serve: { middleware: [tracer('b'), tracer('c')] } });
    try {
      expect(await w.calc.add({ a: 2, b: 5 })).toBe(7);
      expect(ran).toEqual([]);
      expect(await w.calc.add({ a: 2, b: 5 }, { meta: { 'x-trace': '1' } })).toBe(7);
      expect(ran).toEqual(['a:client', 'b:server', 'c:server']);
    } finally {
      await w.close();
    }
  });

  it('asks passesThrough with the call as it is made: side, method, input, metadata, deadline, parent', async () => {
    const seen: unknown[] = [];
    const probe: Middleware = Object.assign((_call: Parameters<Middleware>[0], next: () => Promise<unknown>) => next(), {
      passesThrough: (call: Parameters<Middleware>[0]) => {
        if (call.side === 'client') {
          seen.push([call.method.name, call.input, { ...call.meta }, call.deadline - Date.now() > 4_000, call.parent]);
        }
        return true;
      },
    });
    const w = await world({ client: { middleware: [probe] } });
    try {
      const parent = { meta: { traceparent: 't' } } as unknown as CallContext;
      expect(await w.calc.add({ a: 2, b: 5 }, { meta: { x: '1' }, timeout: 5_000, parent })).toBe(7);
      expect(await w.calc.add({ a: 1, b: 1 })).toBe(2);
      expect(seen).toEqual([
        ['add', { a: 2, b: 5 }, { x: '1' }, true, parent],
        ['add', { a: 1, b: 1 }, {}, true, undefined],
      ]);
    } finally {
      await w.close();
    }
  });

  it('can translate errors and refuse calls before the handler', async () => {
    const guard: Middleware = async (call, next) => {
      if (call.meta.authorization !== 'yes') throw new RpcError('PERMISSION_DENIED', 'no token');
      return next();
    };
    const translate: Middleware = async (_call, next) => {
      try {
        return await next();
      } catch (e) {
        throw new RpcError('FAILED_PRECONDITION', `translated: ${(e as Error).message}`);
      }
    };
    const w = await world({ serve: { middleware: [guard] }, client: { middleware: [translate] } });
    try {
      await expect(w.calc.add({ a: 1, b: 2 })).rejects.toMatchObject({
        code: 'FAILED_PRECONDITION',
        message: 'translated: no token',
      });
      expect(await w.calc.add({ a: 1, b: 2 }, { meta: { authorization: 'yes' } })).toBe(3);
    } finally {
      await w.close();
    }
  });

  it('sees server streams as an iterable it can wrap', async () => {
    const doubled: Middleware = async (call, next) => {
      const items = (await next()) as AsyncIterable<number>;
      if (call.method.kind !== 'serverStream') return items;
      return (async function* () {
        for await (const i of items) yield i * 2;
      })();
    };
    const w = await world({ serve: { middleware: [doubled] } });
    try {
      const got: number[] = [];
      for await (const i of w.calc.countdown({ from: 2 })) got.push(i);
      expect(got).toEqual([4, 2, 0]);
    } finally {
      await w.close();
    }
  });
});
