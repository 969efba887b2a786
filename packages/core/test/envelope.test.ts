import { describe, expect, it } from 'vitest';
import { encodeError, encodeRequest, encodeResult, errorFromWire, idFromHead, RpcError } from '../src/index.js';
import { AliceBroke } from './fixtures.js';

describe('envelope', () => {
  it('encodes requests as plain JSON-RPC with the extensions only when used', () => {
    expect(JSON.parse(encodeRequest(1, 'add', [2, 5], undefined, Infinity))).toEqual({
      jsonrpc: '2.0',
      id: 1,
      method: 'add',
      params: [2, 5],
    });
    expect(JSON.parse(encodeRequest('x"y', 'a"b', undefined, { k: 'v' }, 99.2))).toEqual({
      jsonrpc: '2.0',
      id: 'x"y',
      method: 'a"b',
      meta: { k: 'v' },
      timeout: 100,
    });
    expect(JSON.parse(encodeRequest(undefined, 'note', {}, {}, 5))).toEqual({
      jsonrpc: '2.0',
      method: 'note',
      params: {},
      timeout: 5,
    });
    expect(JSON.parse(encodeResult(null, undefined))).toEqual({ jsonrpc: '2.0', id: null, result: null });
  });

  it('reads the id from the head of a frame too large to parse', () => {
    expect(idFromHead('{"jsonrpc":"2.0","id":42,"method":"echo","params":{"text":"xxxx')).toBe(42);
    expect(idFromHead('{"jsonrpc":"2.0","id":"a\\"b","result":"')).toBe('a"b');
    expect(idFromHead('{"jsonrpc":"2.0","method":"echo","params":{"id":7')).toBeUndefined();
    expect(idFromHead('garbage')).toBeUndefined();
  });

  it('rebuilds errors: declared classes, plain JSON-RPC errors, junk', () => {
    const classes = new Map([['AliceBroke', AliceBroke]]);
    const e = errorFromWire(
      { code: -32602, message: 'no', data: { code: 'INVALID_ARGUMENT', name: 'AliceBroke' } },
      { k: 'v' },
      classes,
    );
    expect(e).toBeInstanceOf(AliceBroke);
    expect(e).toBeInstanceOf(RpcError);
    expect([e.code, e.message, e.meta]).toEqual(['INVALID_ARGUMENT', 'no', { k: 'v' }]);
    const plain = errorFromWire({ code: -32601, message: 'Method not found' }, undefined);
    expect([plain.code, plain.name]).toEqual(['UNIMPLEMENTED', 'RpcError']);
    expect(errorFromWire('junk', undefined).code).toBe('INTERNAL');
    expect(errorFromWire({ code: -32000, message: 'x', data: { code: 'NOT_A_CODE' } }, undefined).code).toBe('UNKNOWN');
  });

  it("carries an error class's own fields, and never lets a peer's fields replace the error's own members", () => {
    class OutOfStock extends RpcError {
      readonly sku: string;
      readonly left = 0;
      constructor(sku: string) {
        super('FAILED_PRECONDITION', `no ${sku}`);
        this.sku = sku;
      }
    }
    const sent = Object.assign(new OutOfStock('A-1'), { callback: () => 1, when: new Date(0) });
    const wire = JSON.parse(encodeError(1, sent)) as { error: unknown };
    // Functions are left out, a Date goes as JSON would send it.
    expect((wire.error as { data: unknown }).data).toMatchObject({
      fields: { sku: 'A-1', left: 0, when: '1970-01-01T00:00:00.000Z' },
    });
    const back = errorFromWire(wire.error, undefined, new Map([['OutOfStock', OutOfStock]]));
    expect(back).toBeInstanceOf(OutOfStock);
    expect([(back as OutOfStock).sku, (back as OutOfStock).left]).toEqual(['A-1', 0]);

    const hostile = JSON.parse(
      '{"code":-32009,"message":"m","data":{"code":"FAILED_PRECONDITION","fields":{"__proto__":{"polluted":1},"code":"OK","message":"x","constructor":7,"ok":true}}}',
    ) as unknown;
    const e = errorFromWire(hostile, undefined);
    expect([e.code, e.message, (e as unknown as { ok: boolean }).ok]).toEqual(['FAILED_PRECONDITION', 'm', true]);
    expect(Object.getPrototypeOf(e)).toBe(RpcError.prototype);
    expect(({} as { polluted?: number }).polluted).toBeUndefined();
    expect(errorFromWire({ code: -32009, message: 'm', data: { fields: [1, 2] } }, undefined)).not.toHaveProperty('0');
  });

  it('recognises RpcErrors from another copy of the package', () => {
    const foreign = Object.assign(new Error('x'), { code: 'INTERNAL' });
    Object.defineProperty(foreign, Symbol.for('interoffice.RpcError'), { value: true });
    expect(foreign).toBeInstanceOf(RpcError);
    expect(new Error('y')).not.toBeInstanceOf(RpcError);
    expect(new AliceBroke('z')).toBeInstanceOf(AliceBroke);
    expect(new RpcError('INTERNAL', 'w')).not.toBeInstanceOf(AliceBroke);
  });
});
