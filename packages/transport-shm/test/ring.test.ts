/** The ring's framing and chunking, over plain memory (pure logic: no other process involved). */
import { describe, expect, it } from 'vitest';
import { MORE, type RingPlace } from '../src/layout.js';
import { RingReader } from '../src/ring-reader.js';
import { RingWriter } from '../src/ring-writer.js';

function ring(size: number, maxFrameBytes = 1 << 20, start = 0) {
  const buffer = new ArrayBuffer(256 + size);
  const words = new Uint32Array(buffer);
  words[0] = start; // head
  words[16] = start; // tail
  const bytes = Buffer.from(buffer);
  const place: RingPlace = { head: 0, waiting: 4, tail: 64, data: 256, size };
  return { words, writer: new RingWriter(words, bytes, place), reader: new RingReader(words, bytes, place, maxFrameBytes) };
}

/** Write `frame` (chunked when needed) and read until it comes out whole, freeing room as it goes. */
function roundTrip(r: ReturnType<typeof ring>, frame: string): (string | { head: string; bytes: number })[] {
  const out: (string | { head: string; bytes: number })[] = [];
  if (r.writer.tryWrite(frame)) {
    const f = r.reader.next(() => {});
    if (f !== undefined) out.push(f);
    return out;
  }
  const bytes = Buffer.from(frame);
  let off = 0;
  while (out.length === 0) {
    off = r.writer.writeChunks(bytes, off);
    const f = r.reader.next(() => {});
    if (f !== undefined) out.push(f);
  }
  expect(off).toBe(bytes.length);
  return out;
}

describe('rings', () => {
  it('carry frames of every size, wrapping around many times, byte for byte', () => {
    const r = ring(4096);
    for (let i = 0; i < 2000; i++) {
      const char = ['ż', 'x', '🐢'][i % 3] as string;
      const frame = `${i}:${char.repeat(i % 97 === 0 ? 3000 + i : (i * 37) % 500)}`;
      expect(roundTrip(r, frame)).toEqual([frame]);
    }
  });

  it('keep counting when head and tail wrap past 2^32', () => {
    const r = ring(4096, 1 << 20, 2 ** 32 - 100);
    for (let i = 0; i < 100; i++) {
      const frame = `${i}:${'w'.repeat((i * 53) % 3000)}`;
      expect(roundTrip(r, frame)).toEqual([frame]);
    }
    expect(r.words[0]).toBeLessThan(2 ** 20); // wrapped
    expect(r.words[0]).toBe(r.words[16]);
  });

  it('queue several frames, then give them back in order', () => {
    const r = ring(4096);
    const frames = Array.from({ length: 50 }, (_, i) => `{"id":${i}}`);
    for (const f of frames) expect(r.writer.tryWrite(f)).toBe(true);
    const out: unknown[] = [];
    for (let f = r.reader.next(() => {}); f !== undefined; f = r.reader.next(() => {})) out.push(f);
    expect(out).toEqual(frames);
  });

  it('refuse a frame in one piece when it does not fit, and never overwrite unread bytes', () => {
    const r = ring(4096);
    expect(r.writer.tryWrite('a'.repeat(4000))).toBe(true);
    expect(r.writer.tryWrite('b'.repeat(200))).toBe(false); // 96 bytes left
    expect(r.writer.writeChunks(Buffer.from('c'.repeat(200)), 0)).toBe(88); // what fits, as a chunk
    expect(r.writer.hasRoom()).toBe(false);
    expect(r.reader.next(() => {})).toBe('a'.repeat(4000));
    expect(r.writer.hasRoom()).toBe(true);
  });

  it('drop a frame over the limit as it streams through, keeping its head for the id', () => {
    const r = ring(4096, 10_000);
    const big = `{"jsonrpc":"2.0","id":42,"method":"echo","params":{"text":"${'q'.repeat(50_000)}"}}`;
    const [dropped] = roundTrip(r, big);
    expect(dropped).toEqual({ head: big.slice(0, 256), bytes: big.length });
    expect(roundTrip(r, 'after')).toEqual(['after']); // the ring is in step again
    const single = ring(65536, 100);
    expect(roundTrip(single, 'w'.repeat(150))).toEqual([{ head: 'w'.repeat(150), bytes: 150 }]);
  });

  it('tell the writer when room it waits for is freed', () => {
    const r = ring(4096);
    expect(r.writer.tryWrite('x'.repeat(4092))).toBe(true); // header + 4092 bytes: full
    expect(r.writer.waitForRoom()).toBe(false);
    let freed = 0;
    r.reader.next(() => freed++);
    expect(freed).toBe(1);
    expect(r.words[1]).toBe(0); // the flag is cleared by the reader
  });

  it('throw on a record that cannot be (a broken peer)', () => {
    const r = ring(4096);
    r.words[256 / 4] = 5000; // a header longer than the ring
    Atomics.store(r.words, 0, 8);
    expect(() => r.reader.next(() => {})).toThrow(/corrupt ring/);
    const s = ring(4096);
    s.words[256 / 4] = (100 | MORE) >>> 0; // a record not fully published
    Atomics.store(s.words, 0, 8);
    expect(() => s.reader.next(() => {})).toThrow(/corrupt ring/);
  });
});
