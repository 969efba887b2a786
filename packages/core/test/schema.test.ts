import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { bytes, defineService, fromZod, unary } from '../src/index.js';
import { openRpcDocument } from '../src/openrpc.js';
import { decodeParams } from '../src/server/server-call.js';
import { Calculator } from './fixtures.js';

describe('params', () => {
  const add = Calculator.methods.add;
  it('map positional params onto fields in declaration order', () => {
    expect(decodeParams(add, [2, 5])).toEqual({ a: 2, b: 5 });
    expect(decodeParams(add, { b: 5, a: 2 })).toEqual({ a: 2, b: 5 });
  });

  it('reject too many positional params, and name the fields', () => {
    expect(() => decodeParams(add, [1, 2, 3])).toThrow(/at most 2 positional params \(a, b\), got 3/);
  });

  it('report schema issues with paths, as INVALID_ARGUMENT', () => {
    try {
      decodeParams(add, ['bad', 5]);
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ code: 'INVALID_ARGUMENT', details: { issues: [{ path: ['a'] }] } });
      expect((e as Error).message).toMatch(/^invalid params for Calculator.add: a: /);
    }
  });

  it('take a non-object input as the single positional param', () => {
    expect(decodeParams(Calculator.methods.square, [3])).toBe(3);
    expect(() => decodeParams(Calculator.methods.square, [3, 4])).toThrow(/one positional param/);
  });

  it('treat absent params as an empty object for object inputs', () => {
    const none = defineService('S', { ping: unary({ input: z.object({}), output: z.string() }) });
    expect(decodeParams(none.methods.ping, undefined)).toEqual({});
  });
});

describe('schemas from zod', () => {
  it('carry bytes as base64 in JSON and Uint8Array in TypeScript', () => {
    const s = fromZod(z.object({ data: bytes(), n: z.number() }));
    const wire = s.encode({ data: new Uint8Array([0, 1, 255]), n: 1 });
    expect(wire).toEqual({ success: true, data: { data: 'AAH/', n: 1 } });
    const back = s.decode({ data: 'AAH/', n: 1 });
    expect(back.success && back.data.data).toEqual(new Uint8Array([0, 1, 255]));
    expect(s.decode({ data: '***', n: 1 }).success).toBe(false);
  });

  it('validate outgoing values too', () => {
    const s = fromZod(z.object({ a: z.number() }));
    expect(s.encode({ a: 'x' } as never)).toMatchObject({ success: false, issues: [{ path: ['a'] }] });
  });

  it('list object fields in declaration order, none for other shapes', () => {
    expect(fromZod(z.object({ b: z.number(), a: z.number() })).fields).toEqual(['b', 'a']);
    expect(fromZod(z.array(z.number())).fields).toBeUndefined();
  });
});

describe('defineService', () => {
  it('rejects names that are not identifiers, or are reserved', () => {
    expect(() => defineService('rpc', {})).toThrow(/invalid service name/);
    expect(() => defineService('a b', {})).toThrow(/invalid service name/);
    expect(() => defineService('S', { 'x.y': unary({ input: z.number(), output: z.number() }) })).toThrow(/invalid method name/);
  });

  it('qualifies method names with the service name', () => {
    expect(Calculator.methods.add.fullName).toBe('Calculator.add');
    expect(Calculator.methods.add.name).toBe('add');
  });

  it("keeps a method's idempotency, shows it in OpenRPC, and refuses unknown levels", () => {
    const S = defineService('S', {
      get: unary({ input: z.object({}), output: z.string(), idempotency: 'noSideEffects' }),
      put: unary({ input: z.object({}), output: z.string(), idempotency: 'idempotent' }),
      post: unary({ input: z.object({}), output: z.string() }),
    });
    expect([S.methods.get.idempotency, S.methods.put.idempotency, S.methods.post.idempotency]).toEqual([
      'noSideEffects',
      'idempotent',
      undefined,
    ]);
    const doc = openRpcDocument([S]) as { methods: Record<string, unknown>[] };
    expect(doc.methods.map((m) => m['x-interoffice-idempotency'])).toEqual(['noSideEffects', 'idempotent', undefined]);
    // @ts-expect-error: not a level
    expect(() => unary({ input: z.object({}), output: z.string(), idempotency: 'safe' })).toThrow(/idempotency must be/);
  });
});
