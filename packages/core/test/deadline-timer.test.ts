import { describe, expect, it } from 'vitest';
import { waitFor } from '../src/conformance/testing.js';
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
    await waitFor(() => expired.length === 2);
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
    await new Promise((r) => setTimeout(r, 100)); // timing is the feature: an overflowed setTimeout fires at once, so a spinning timer scans many times in 100 ms
    timer.stop();
    expect(scans).toBe(0);
  });
});
