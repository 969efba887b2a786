import { fork } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { createSegment, FutexWaiter, futexWake, removeSegment, type Segment } from '../src/index.js';

let n = 0;
const segments: Segment[] = [];
function segment(): Segment {
  const s = createSegment(`io-futex-test-${process.pid}-${n++}`, 4096, () => {});
  segments.push(s);
  return s;
}
afterEach(() => {
  for (const s of segments.splice(0)) {
    s.close();
    removeSegment(s.name);
  }
});

const BELL = 64;

describe('futex wait and wake across processes', () => {
  it('a waiter is told when another process bumps and wakes its word, and the loop runs meanwhile', async () => {
    const seg = segment();
    const words = new Uint32Array(seg.buffer);
    let changes = 0;
    const waiter = new FutexWaiter(seg.buffer, BELL, () => changes++);
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 5); // the event loop is not blocked by the wait
    const child = fork(new URL('./fixtures/bump.mjs', import.meta.url), [seg.name, String(BELL), '3'], { stdio: 'inherit' });
    await new Promise((r) => child.once('exit', r));
    const until = Date.now() + 2000;
    while (changes === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    clearInterval(ticker);
    expect(changes).toBeGreaterThanOrEqual(1); // several bumps before the report was taken make one call
    expect(Atomics.load(words, BELL / 4)).toBe(3);
    expect(ticks).toBeGreaterThan(0);
    waiter.close();
  });

  it('reports nothing while the word does not change, and nothing after close', async () => {
    const seg = segment();
    const words = new Uint32Array(seg.buffer);
    let changes = 0;
    const waiter = new FutexWaiter(seg.buffer, BELL, () => changes++);
    futexWake(seg.buffer, BELL, 1); // a wake without a change is no news
    await new Promise((r) => setTimeout(r, 50)); // not a condition: nothing would follow a false report to wait for; shorter only weakens this
    expect(changes).toBe(0);
    Atomics.add(words, BELL / 4, 1);
    futexWake(seg.buffer, BELL, 1);
    const until = Date.now() + 2000;
    while (changes === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    expect(changes).toBe(1);
    waiter.close();
    Atomics.add(words, BELL / 4, 1);
    futexWake(seg.buffer, BELL, 1);
    await new Promise((r) => setTimeout(r, 50)); // not a condition: after close nothing may be reported, so nothing can be waited for
    expect(changes).toBe(1);
  });

  it('closes promptly while its thread sleeps in the kernel', () => {
    const seg = segment();
    const waiter = new FutexWaiter(seg.buffer, BELL, () => {});
    const t0 = performance.now();
    waiter.close();
    expect(performance.now() - t0).toBeLessThan(5000); // woken, not left asleep (a waiter that is not woken never returns)
  });

  it('checks the word it is given', () => {
    const seg = segment();
    expect(() => futexWake(seg.buffer, 2, 1)).toThrow(/multiple of 4/);
    expect(() => futexWake(seg.buffer, 4096, 1)).toThrow(/inside the buffer/);
    expect(() => new FutexWaiter(seg.buffer, -4, () => {})).toThrow(/inside the buffer/);
  });
});
