/**
 * The file's format as pure logic: finding members without rebuilding them,
 * telling documents from corrupt text, JSON no longer than Python's, and
 * requests as entries and back.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseDocument } from '../src/document.js';
import { toJson } from '../src/json.js';
import { RawObject } from '../src/raw-object.js';
import { requestEntry, requestOf } from '../src/request-entry.js';
import { repliesOf, responsesOf, writeAnswers } from '../src/response-entry.js';
import { objectMembers, skipValue } from '../src/scan.js';
import { python } from './helpers.js';

describe('scan', () => {
  it('finds members and values, escapes and nesting included', () => {
    const text = '{ "a" : [1, {"}": "{"}] , "b\\"q": "x\\\\", "c":-1.5e3,"d":{}}';
    const members = objectMembers(text, 0).map((m) => [m.key, text.slice(m.start, m.end)]);
    expect(members).toEqual([
      ['a', '[1, {"}": "{"}]'],
      ['b"q', '"x\\\\"'],
      ['c', '-1.5e3'],
      ['d', '{}'],
    ]);
  });

  it('measures the leading value of a text with stray bytes, and says when it is cut short', () => {
    expect(skipValue('{"a": 1}}\n}', 0)).toBe(8);
    expect(skipValue('  [1, 2] x', 0)).toBe(8);
    expect(skipValue('{"a": "unterminated', 0)).toBe(-1);
    expect(skipValue('{"a": [1, 2', 0)).toBe(-1);
  });
});

describe('parseDocument', () => {
  it('reads commands and keeps other members', () => {
    const parsed = parseDocument('{"x": 1, "commands": {"k": {"command": "add"}}, "interoffice": {"server": {"pid": 7}}}');
    expect(parsed.corrupt).toBeUndefined();
    if (parsed.corrupt !== undefined) return;
    expect([...parsed.doc.commands.keys()]).toEqual(['k']);
    expect(parsed.doc.info().server?.pid).toBe(7);
    expect(parsed.doc.toText()).toBe('{"commands":{"k":{"command": "add"}},"x":1,"interoffice":{"server": {"pid": 7}}}');
  });

  it('recovers a document followed by stray bytes, and says how many', () => {
    const parsed = parseDocument('{"commands": {"k": {"command": "add", "args": [2, 5]}}}\n  }\n}');
    expect(parsed).toMatchObject({ repaired: expect.stringMatching(/^dropped 6 stray characters/) });
  });

  it('calls corrupt what is not a usable document', () => {
    for (const text of ['{"commands": {"k": {"comm', 'garbage', '[1, 2]', '{"commands": 5}', 'null']) {
      expect(parseDocument(text), text).toHaveProperty('corrupt');
    }
    expect(parseDocument('')).toMatchObject({ repaired: 'the file was empty' });
    expect(parseDocument('{}').corrupt).toBeUndefined(); // no commands yet
  });
});

describe('RawObject', () => {
  it('writes back untouched members byte for byte', () => {
    const o = RawObject.parse('{"args": [2.0, 1e400], "big": 12345678901234567890, "old": 1}', 0);
    o.set('result', 7);
    o.delete('old');
    expect(o.toText()).toBe('{"args":[2.0, 1e400],"big":12345678901234567890,"result":7}');
  });
});

describe('toJson', () => {
  it('writes numbers in [1e-6, 1e-4) in exponent form, and nothing inside strings', () => {
    expect(toJson([0.000001, -0.00005, 0.0001, 1e-7, 10.00001, '0.00001'])).toBe('[1e-6,-5e-5,0.0001,1e-7,10.00001,"0.00001"]');
    expect(JSON.parse(toJson({ x: 0.0000123 }))).toEqual({ x: 0.0000123 });
  });

  it("is never longer than Python's json.dumps of the same data", () => {
    const data = {
      tiny: Array.from({ length: 50 }, (_, i) => (i + 1) * 1.7e-6),
      text: 'żółw 🐢 \u2028 "quoted" \\ \u0000 \u007f',
      numbers: [0, -0, 1.5, 1e21, 1e-7, 123456789.125, 2 ** 60],
      nested: { a: [true, false, null], b: {} },
    };
    const ours = toJson(data);
    const theirs = execFileSync(python, ['-c', 'import json, sys; sys.stdout.write(json.dumps(json.loads(sys.stdin.read())))'], {
      input: ours,
    });
    expect(Buffer.byteLength(ours)).toBeLessThanOrEqual(theirs.length);
  });
});

describe('requests as entries', () => {
  it('keep the seed fields positional and short, and the rest for us', () => {
    const entry = requestEntry({ id: 7, method: 'Calculator.add', params: { a: 2, b: 5 }, meta: { x: 'y' }, timeout: 900 }, 'c1');
    expect(entry).toEqual({
      command: 'add',
      args: [2, 5],
      method: 'Calculator.add',
      names: ['a', 'b'],
      meta: { x: 'y' },
      timeout: 900,
      client: 'c1',
    });
    expect(requestOf('k', entry)).toEqual({
      id: 'k',
      method: 'Calculator.add',
      params: { a: 2, b: 5 },
      meta: { x: 'y' },
      timeout: 900,
    });
  });

  it('mark notifications, and keep positional params positional', () => {
    expect(requestEntry({ method: 'note', params: ['hi'] }, 'c')).toEqual({
      command: 'note',
      args: ['hi'],
      notification: true,
      client: 'c',
    });
    expect(requestOf('k', { command: 'note', args: ['hi'], notification: true })).toEqual({ method: 'note', params: ['hi'] });
  });

  it("read the seed's entries as positional calls by short name", () => {
    expect(requestOf('u', { command: 'add', args: [2, 5] })).toEqual({ id: 'u', method: 'add', params: [2, 5] });
    expect(requestOf('u', { command: 'add', args: 5 })).toMatchObject({ params: 5 }); // core answers the error
    expect(requestOf('u', { args: [1] }).method).toBeUndefined();
  });
});

describe('answers as entries', () => {
  it('go back to the caller member by member: items, then the result or the error', () => {
    const entry = RawObject.parse('{"command":"count","args":[]}', 0);
    writeAnswers(entry, { member: 'items', texts: ['1', '2'], ids: [], final: undefined }, 100);
    writeAnswers(entry, { member: 'items', texts: ['3'], ids: [], final: { id: 'k', result: null, meta: { m: 'v' } } }, 200);
    const value = JSON.parse(entry.toText()) as Record<string, unknown>;
    expect(value).toMatchObject({ items: [1, 2, 3], result: null, responseMeta: { m: 'v' }, answeredAt: 200 });
    expect(responsesOf(9, value)).toEqual([
      { id: 9, item: 1 },
      { id: 9, item: 2 },
      { id: 9, item: 3 },
      { id: 9, result: null, meta: { m: 'v' } },
    ]);
  });

  it("carry a resumable stream's item ids beside its items, and a resumed request's resumeAfter", () => {
    const entry = RawObject.parse('{"command":"ticks","args":[]}', 0);
    writeAnswers(entry, { member: 'items', texts: ['5', '6'], ids: ['"5"', '"6"'], final: undefined }, 100);
    const value = JSON.parse(entry.toText()) as Record<string, unknown>;
    expect(value).toMatchObject({ items: [5, 6], itemIds: ['5', '6'] });
    expect(responsesOf(9, value)).toEqual([
      { id: 9, item: 5, itemId: '5' },
      { id: 9, item: 6, itemId: '6' },
    ]);
    const request = requestEntry({ id: 3, method: 'Feed.ticks', params: { count: 9 }, resumeAfter: '4' }, 'c1');
    expect(request).toMatchObject({ command: 'ticks', resumeAfter: '4' });
    expect(requestOf('k', request)).toMatchObject({ id: 'k', resumeAfter: '4' });
  });

  it('keep the error class and details for Interoffice callers, the message for the seed', () => {
    const entry = RawObject.parse('{"command":"divide","args":[1,0]}', 0);
    const error = { code: -32602, message: 'division by zero', data: { code: 'INVALID_ARGUMENT', name: 'AliceBroke' } };
    writeAnswers(entry, { member: 'items', texts: [], ids: [], final: { id: 'k', error } }, 1);
    const value = JSON.parse(entry.toText()) as Record<string, unknown>;
    expect(value).toMatchObject({ error: 'division by zero', errorCode: -32602, errorData: { name: 'AliceBroke' } });
    expect(responsesOf('x', value)).toEqual([{ id: 'x', error }]);
  });

  it("read a seed server's bare error message as UNKNOWN", () => {
    expect(responsesOf(1, { command: 'add', error: 'Yeah, we are only going to add numbers' })).toEqual([
      { id: 1, error: { code: -32002, message: 'Yeah, we are only going to add numbers' } },
    ]);
  });

  it("keep a frame entry's replies as the text they were written as", () => {
    const entry = RawObject.parse('{"frame":"[]"}', 0);
    writeAnswers(
      entry,
      { member: 'replies', texts: ['{"jsonrpc":"2.0","id":1,"item":2.0}', '[{"a":1},{"b":[1,2]}]'], ids: [], final: true },
      5,
    );
    expect(repliesOf(entry.toText())).toEqual(['{"jsonrpc":"2.0","id":1,"item":2.0}', '[{"a":1},{"b":[1,2]}]']);
    expect(JSON.parse(entry.toText())).toMatchObject({ answeredAt: 5 });
  });
});
