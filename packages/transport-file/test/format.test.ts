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
import { outgoing, requestFrame } from '../src/request-entry.js';
import { answerEntry, answerFrames } from '../src/response-entry.js';
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
    const theirs = execFileSync(python, ['-c', 'import json, sys; sys.stdout.write(json.dumps(json.loads(sys.stdin.read())))'], { input: ours });
    expect(Buffer.byteLength(ours)).toBeLessThanOrEqual(theirs.length);
  });
});

describe('requests as entries', () => {
  it('keep the seed fields positional and short, and the rest for us', () => {
    const out = outgoing('{"jsonrpc":"2.0","id":7,"method":"Calculator.add","params":{"a":2,"b":5},"meta":{"x":"y"},"timeout":900}', 'c1');
    expect(out).toEqual({
      kind: 'call',
      id: 7,
      entry: { command: 'add', args: [2, 5], method: 'Calculator.add', names: ['a', 'b'], meta: { x: 'y' }, timeout: 900, client: 'c1' },
    });
    const back = JSON.parse(requestFrame('k', (out as { entry: Record<string, unknown> }).entry));
    expect(back).toEqual({ jsonrpc: '2.0', id: 'k', method: 'Calculator.add', params: { a: 2, b: 5 }, meta: { x: 'y' }, timeout: 900 });
  });

  it('send what they cannot express whole, and turn cancels into withdrawals', () => {
    expect(outgoing('[{"jsonrpc":"2.0","id":1,"method":"add"}]', 'c')).toMatchObject({ kind: 'frame', entry: { frame: '[{"jsonrpc":"2.0","id":1,"method":"add"}]' } });
    expect(outgoing('{"jsonrpc":"2.0","id":1,"method":', 'c').kind).toBe('frame');
    expect(outgoing('{"jsonrpc":"2.0","id":1,"method":"add","params":"x"}', 'c').kind).toBe('frame');
    expect(outgoing('{"jsonrpc":"2.0","method":"rpc.cancel","params":{"id":4}}', 'c')).toEqual({ kind: 'cancel', id: 4 });
    expect(outgoing('{"jsonrpc":"2.0","method":"note","params":["hi"]}', 'c')).toMatchObject({ kind: 'notification', entry: { notification: true } });
  });

  it("read the seed's entries as positional calls by short name", () => {
    expect(JSON.parse(requestFrame('u', { command: 'add', args: [2, 5] }))).toEqual({ jsonrpc: '2.0', id: 'u', method: 'add', params: [2, 5] });
    expect(JSON.parse(requestFrame('u', { command: 'add', args: 5 }))).toMatchObject({ params: 5 }); // core answers the error
    expect(JSON.parse(requestFrame('u', { args: [1] }))).not.toHaveProperty('method');
  });
});

describe('answers as entries', () => {
  it('go back to the caller as frames: items, then the result or the error', () => {
    const entry = RawObject.parse('{"command":"count","args":[]}', 0);
    answerEntry(entry, [{ jsonrpc: '2.0', id: 'k', item: 1 }, { jsonrpc: '2.0', id: 'k', item: 2 }], 100);
    answerEntry(entry, [{ jsonrpc: '2.0', id: 'k', item: 3 }, { jsonrpc: '2.0', id: 'k', result: null, meta: { m: 'v' } }], 200);
    const value = JSON.parse(entry.toText()) as Record<string, unknown>;
    expect(value).toMatchObject({ items: [1, 2, 3], result: null, responseMeta: { m: 'v' }, answeredAt: 200 });
    expect(answerFrames(9, value).map((f) => JSON.parse(f))).toEqual([
      { jsonrpc: '2.0', id: 9, item: 1 },
      { jsonrpc: '2.0', id: 9, item: 2 },
      { jsonrpc: '2.0', id: 9, item: 3 },
      { jsonrpc: '2.0', id: 9, result: null, meta: { m: 'v' } },
    ]);
  });

  it("read a seed server's bare error message as UNKNOWN", () => {
    const [frame] = answerFrames(1, { command: 'add', error: 'Yeah, we are only going to add numbers' });
    expect(JSON.parse(frame as string)).toEqual({ jsonrpc: '2.0', id: 1, error: { code: -32002, message: 'Yeah, we are only going to add numbers' } });
  });
});
