/** What a message medium is told of a raw frame: read once, by core. */
import { describe, expect, it } from 'vitest';
import { outgoingFrame } from '../src/client/raw-frames.js';
import { encodeCancel, encodeRequest, encodeResult } from '../src/index.js';

const python = (o: object): string => JSON.stringify(o, null, 1).replace(/\n/g, ' '); // spaced, as json.dumps writes
const ids = (frame: string): unknown => {
  const out = outgoingFrame(frame);
  return 'cancel' in out ? { cancel: out.cancel } : out.ids;
};

describe('outgoingFrame', () => {
  it('reads the ids of core requests, other encodings and batches', () => {
    expect(ids(encodeRequest(7, 'Calc.add', { a: 1 }, undefined, 1000))).toEqual([7]);
    expect(ids(encodeRequest('x"7', 'add', [1, 2], { k: 'v' }, Infinity))).toEqual(['x"7']);
    expect(ids(python({ jsonrpc: '2.0', id: 3, method: 'add', params: [2, 5] }))).toEqual([3]);
    expect(ids(python({ method: 'add', id: null, jsonrpc: '2.0' }))).toEqual([null]);
    const batch = JSON.stringify([
      { jsonrpc: '2.0', id: 'a', method: 'add' },
      { jsonrpc: '2.0', method: 'record' },
      { jsonrpc: '2.0', id: 'b', method: 'nope' },
    ]);
    expect(ids(batch)).toEqual(['a', 'b']);
  });

  it('takes the last of two ids, as JSON.parse and the server do', () => {
    expect(ids('{"jsonrpc":"2.0","id":1,"method":"add","id":2}')).toEqual([2]);
  });

  it('expects no answer to notifications, responses or garbage', () => {
    expect(ids(encodeRequest(undefined, 'record', { note: 'x' }, undefined, Infinity))).toEqual([]);
    expect(ids(encodeResult(7, 1))).toEqual([]);
    expect(ids('{"jsonrpc":"2.0","id":1,"method":')).toEqual([]); // not JSON: answered at once, with id null
    expect(ids('not json')).toEqual([]);
    expect(ids('42')).toEqual([]);
  });

  it('turns rpc.cancel notifications, and only those, into cancels', () => {
    expect(ids(encodeCancel(12))).toEqual({ cancel: 12 });
    expect(ids(encodeCancel('abc'))).toEqual({ cancel: 'abc' });
    expect(ids(python({ jsonrpc: '2.0', method: 'rpc.cancel', params: { id: 3 } }))).toEqual({ cancel: 3 });
    expect(ids(encodeRequest(1, 'echo', { text: '"rpc.cancel"' }, undefined, 100))).toEqual([1]);
    expect(ids(encodeRequest(1, 'rpc.cancel', { id: 2 }, undefined, 100))).toEqual([]); // a call to rpc.cancel opens no call
  });

  it('gives a single request member by member, with its deadline', () => {
    const before = Date.now();
    const out = outgoingFrame(encodeRequest(5, 'add', [1, 2], { k: 'v' }, 1000));
    if ('cancel' in out) throw new Error('not a cancel');
    expect(out.fields).toMatchObject({ id: 5, method: 'add', params: [1, 2], meta: { k: 'v' }, timeout: 1000 });
    expect(out.deadline - before).toBeGreaterThanOrEqual(1000);
    // What a record could not hold as it stands travels as text only.
    for (const frame of [
      '[{"jsonrpc":"2.0","id":1,"method":"add"}]',
      '{"jsonrpc":"2.0","id":1,"method":"add","params":"x"}',
      '{"jsonrpc":"1.0","id":1,"method":"add"}',
    ]) {
      const out = outgoingFrame(frame);
      expect('cancel' in out ? 'cancel' : out.fields).toBeUndefined();
    }
  });
});
