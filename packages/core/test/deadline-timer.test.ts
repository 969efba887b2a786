import { describe, expect, it } from 'vitest';
import { DeadlineTimer } from '../src/deadline-timer.js';

describe('DeadlineTimer', () => {
  it('expires entries at their deadline, earliest first', async () => {
    const entries = new Map([
      ['late', { deadline: Date.now() + 80 }],
      ['soon', { deadline: Date.now() + 20 }],
    ]);
    const expired: string[] = [];
    const timer = new DeadlineTimer(
      entries,
      (e) => e.deadline,
      (k) => {
        expired.push(k);
        entries.delete(k);
      },
    );
    timer.track(Date.now() + 80);
    timer.track(Date.now() + 20);
    await new Promise((r) => setTimeout(r, 150));
    expect(expired).toEqual(['soon', 'late']);
  });

  it('does not spin on deadlines beyond what setTimeout can hold (about 24.8 days)', async () => {
    const month = Date.now() + 30 * 24 * 3600 * 1000;
    const entries = new Map([['far', { deadline: month }]]);
    let scans = 0;
    const timer = new DeadlineTimer(
      entries,
      (e) => {
        scans++;
        return e.deadline;
      },
      () => {},
    );
    timer.track(month);
    await new Promise((r) => setTimeout(r, 100));
    timer.stop();
    expect(scans).toBe(0);
  });
});
