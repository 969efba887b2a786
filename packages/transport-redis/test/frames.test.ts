/** The frame reading the transport relies on: pure logic, so plain unit tests. */
import { encodeCancel, encodeError, encodeItem, encodeRequest, encodeResult, RpcError } from '@interoffice/core';
import { describe, expect, it } from 'vitest';
import { aged, callIds, cancelledId, idKey, responseIds } from '../src/frames.js';

const python = (o: object): string => JSON.stringify(o, null, 1).replace(/\n/g, ' '); // spaced, as json.dumps writes

describe('callIds', () => {
  it('reads the id of core requests, other encodings and batches', () => {
    expect(callIds(encodeRequest(7, 'Calc.add', { a: 1 }, undefined, 1000))).toEqual([7]);
    expect(callIds(encodeRequest('x"7', 'add', [1, 2], { k: 'v' }, Infinity))).toEqual(['x"7']);
    expect(callIds(python({ jsonrpc: '2.0', id: 3, method: 'add', params: [2, 5] }))).toEqual([3]);
    expect(callIds(python({ method: 'add', id: null, jsonrpc: '2.0' }))).toEqual([null]);
    const batch = JSON.stringify([
      { jsonrpc: '2.0', id: 'a', method: 'add' },
      { jsonrpc: '2.0', method: 'record' },
      { jsonrpc: '2.0', id: 'b', method: 'nope' },
    ]);
    expect(callIds(batch)).toEqual(['a', 'b']);
  });

  it('expects no answer to notifications, cancels, responses or garbage', () => {
    expect(callIds(encodeRequest(undefined, 'record', { note: 'x' }, undefined, Infinity))).toEqual([]);
    expect(callIds(encodeCancel(7))).toEqual([]);
    expect(callIds(encodeResult(7, 1))).toEqual([]);
    expect(callIds('{"jsonrpc":"2.0","id":1,"method":')).toEqual([]); // not JSON: answered at once, with id null
    expect(callIds('not json')).toEqual([]);
    expect(callIds('42')).toEqual([]);
  });
});

describe('responseIds', () => {
  it('tells items from final responses', () => {
    expect(responseIds(encodeItem(4, 3))).toEqual({ ids: [4], final: false });
    expect(responseIds(encodeResult(4, null))).toEqual({ ids: [4], final: true });
    expect(responseIds(encodeError('s', new RpcError('CANCELLED', 'x')))).toEqual({ ids: ['s'], final: true });
    expect(responseIds(encodeError(null, new RpcError('INVALID_ARGUMENT', 'parse error')))).toEqual({ ids: [null], final: true });
    expect(responseIds(python({ jsonrpc: '2.0', id: 5, item: 1 }))).toEqual({ ids: [5], final: false });
    expect(responseIds(`[${encodeResult('a', 3)},${encodeError('b', new RpcError('UNIMPLEMENTED', 'no'))}]`)).toEqual({
      ids: ['a', 'b'],
      final: true,
    });
  });
});

describe('cancelledId', () => {
  it('recognises rpc.cancel notifications only', () => {
    expect(cancelledId(encodeCancel(12))).toBe(12);
    expect(cancelledId(encodeCancel('abc'))).toBe('abc');
    expect(cancelledId(python({ jsonrpc: '2.0', method: 'rpc.cancel', params: { id: 3 } }))).toBe(3);
    expect(cancelledId(encodeRequest(1, 'echo', { text: '"rpc.cancel"' }, undefined, 100))).toBeUndefined();
    expect(cancelledId(encodeRequest(1, 'rpc.cancel', { id: 2 }, undefined, 100))).toBeUndefined(); // a call, not a notification
    expect(cancelledId(encodeRequest(1, 'add', [1, 2], undefined, 100))).toBeUndefined();
  });
});

describe('aged', () => {
  it('takes the time spent queued off the timeout, and nothing else', () => {
    const frame = encodeRequest(7, 'Calc.add', { a: 1, timeout: 5 }, undefined, 1000);
    const out = aged(frame, 300);
    expect(out.remaining).toBe(700);
    expect(JSON.parse(out.frame)).toEqual({ ...JSON.parse(frame), timeout: 700 });
    expect(aged(frame, 0).frame).toBe(frame);
  });

  it('never goes below 0, and says how late the request is', () => {
    const out = aged(encodeRequest(7, 'add', [1, 2], undefined, 100), 250);
    expect(out.remaining).toBe(-150);
    expect(JSON.parse(out.frame).timeout).toBe(0);
  });

  it('leaves requests without a timeout alone, even when their params hold one', () => {
    const frame = encodeRequest(7, 'add', { timeout: 50 }, undefined, Infinity);
    expect(aged(frame, 1000)).toEqual({ frame, remaining: undefined });
  });

  it('reads other encodings and batches', () => {
    const spaced = python({ jsonrpc: '2.0', id: 1, method: 'add', timeout: 900, params: [1, 2] });
    const out = aged(spaced, 100);
    expect(out.remaining).toBe(800);
    expect(JSON.parse(out.frame)).toMatchObject({ id: 1, timeout: 800, params: [1, 2] });
    const batch = aged(JSON.stringify([{ jsonrpc: '2.0', id: 1, method: 'a', timeout: 500 }, { jsonrpc: '2.0', id: 2, method: 'b' }]), 200);
    expect(JSON.parse(batch.frame)).toEqual([
      { jsonrpc: '2.0', id: 1, method: 'a', timeout: 300 },
      { jsonrpc: '2.0', id: 2, method: 'b' },
    ]);
  });
});

describe('idKey', () => {
  it('keeps 7 and "7" apart', () => {
    expect(idKey(7)).not.toBe(idKey('7'));
    expect(idKey(null)).toBe('null');
  });
});
