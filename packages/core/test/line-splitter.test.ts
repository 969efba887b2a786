import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../src/ndjson/line-splitter.js';

function collect(max: number) {
  const lines: string[] = [];
  const oversized: { head: string; bytes: number }[] = [];
  const splitter = new LineSplitter(max, {
    line: (l) => lines.push(l),
    oversized: (head, bytes) => oversized.push({ head, bytes }),
  });
  return { splitter, lines, oversized };
}

describe('LineSplitter', () => {
  it('splits frames across and within chunks, keeping multi-byte characters whole', () => {
    const { splitter, lines } = collect(1024);
    const text = Buffer.from('{"a":"żółw 🐢"}\n{"b":2}\r\n\n{"c":');
    for (let i = 0; i < text.length; i++) splitter.push(text.subarray(i, i + 1)); // byte by byte
    splitter.push(Buffer.from('3}\n'));
    expect(lines).toEqual(['{"a":"żółw 🐢"}', '{"b":2}', '{"c":3}']);
  });

  it('drops a line over the limit without buffering it, reports its size and head, then goes on', () => {
    const { splitter, lines, oversized } = collect(100);
    splitter.push(Buffer.from('{"jsonrpc":"2.0","id":7,"params":"'));
    for (let i = 0; i < 1000; i++) {
      splitter.push(Buffer.alloc(1000, 0x78));
      expect(splitter.buffered).toBeLessThanOrEqual(100);
    }
    splitter.push(Buffer.from('"}\n{"ok":1}\n'));
    expect(oversized).toHaveLength(1);
    expect(oversized[0]?.bytes).toBe(34 + 1_000_000 + 2);
    expect(oversized[0]?.head.startsWith('{"jsonrpc":"2.0","id":7')).toBe(true);
    expect(lines).toEqual(['{"ok":1}']);
  });

  it('reports a too-long line that arrives in a single chunk', () => {
    const { splitter, lines, oversized } = collect(10);
    splitter.push(Buffer.from('0123456789ABC\nshort\n'));
    expect(oversized.map((o) => o.bytes)).toEqual([13]);
    expect(lines).toEqual(['short']);
  });
});
