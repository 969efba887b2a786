import { describe, expect, it } from 'vitest';
import { CALLER_LEFT, CLIENT_CLOSED, controlText, type MessageServer, parseControl, takeControl } from '../src/index.js';

describe('control records', () => {
  it('writes each dialect as its docs give it', () => {
    expect(controlText(CLIENT_CLOSED, { caller: 'c1', cancel: 7 })).toBe('{"client":"c1","cancel":7}');
    expect(controlText(CLIENT_CLOSED, { caller: 'c1', credit: 'a', n: 32 })).toBe('{"client":"c1","credit":"a","n":32}');
    expect(controlText(CLIENT_CLOSED, { caller: 'c1', left: true })).toBe('{"client":"c1","closed":true}');
    expect(controlText(CALLER_LEFT, { caller: 'q/"x"', cancel: null })).toBe('{"caller":"q/\\"x\\"","cancel":null}');
    expect(controlText(CALLER_LEFT, { caller: 'q', left: true })).toBe('{"caller":"q","left":true}');
  });

  it('reads back what it writes, in either dialect', () => {
    for (const dialect of [CLIENT_CLOSED, CALLER_LEFT]) {
      for (const record of [
        { caller: 'c', cancel: 'id-1' },
        { caller: 'c', cancel: 3 },
        { caller: 'c', cancel: null },
        { caller: 'c', credit: 9, n: 4 },
        { caller: 'c', left: true as const },
      ]) {
        expect(parseControl(dialect, controlText(dialect, record))).toEqual(record);
      }
    }
  });

  it('reads another medium’s dialect as nothing', () => {
    expect(parseControl(CALLER_LEFT, '{"client":"c","cancel":1}')).toBeUndefined();
    expect(parseControl(CLIENT_CLOSED, '{"caller":"c","left":true}')).toBeUndefined();
    // the caller is named in this dialect but leaving is not: it is not a goodbye
    expect(parseControl(CLIENT_CLOSED, '{"client":"c","left":true}')).toBeUndefined();
  });

  it('ignores anything else on the channel', () => {
    for (const text of [
      'not json',
      'null',
      '[1,2]',
      '"text"',
      '{}',
      '{"client":"","cancel":1}',
      '{"client":5,"cancel":1}',
      '{"client":"c"}',
      '{"client":"c","cancel":{"x":1}}',
      '{"client":"c","cancel":true}',
      '{"client":"c","closed":"yes"}',
      '{"client":"c","credit":1,"n":0}',
      '{"client":"c","credit":1,"n":1.5}',
      '{"client":"c","credit":1}',
      '{"client":"c","credit":[1],"n":2}',
    ]) {
      expect(parseControl(CLIENT_CLOSED, text), text).toBeUndefined();
    }
  });

  it('takes only callers the medium accepts', () => {
    const digits = (c: string): boolean => /^[0-9]+$/.test(c);
    expect(parseControl(CLIENT_CLOSED, '{"client":"12","cancel":1}', digits)).toEqual({ caller: '12', cancel: 1 });
    expect(parseControl(CLIENT_CLOSED, '{"client":"a b","cancel":1}', digits)).toBeUndefined();
  });

  it('hands each record to the server as what it is', () => {
    const seen: unknown[] = [];
    const server = {
      cancel: (caller, id) => seen.push(['cancel', caller, id]),
      credit: (caller, id, n) => seen.push(['credit', caller, id, n]),
      left: (caller) => seen.push(['left', caller]),
    } as Pick<MessageServer, 'cancel' | 'credit' | 'left'> as MessageServer;
    takeControl(server, CALLER_LEFT, '{"caller":"a","cancel":1}');
    takeControl(server, CALLER_LEFT, '{"caller":"a","credit":1,"n":8}');
    takeControl(server, CALLER_LEFT, '{"caller":"a","left":true}');
    takeControl(server, CALLER_LEFT, '{"caller":"a","cancel":{}}');
    takeControl(server, CLIENT_CLOSED, '{"client":"bad","cancel":2}', (c) => c !== 'bad');
    expect(seen).toEqual([
      ['cancel', 'a', 1],
      ['credit', 'a', 1, 8],
      ['left', 'a'],
    ]);
  });
});
