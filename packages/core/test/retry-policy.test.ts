// The pure parts of retries: the backoff's growth, cap and jitter, the retry budget's
// arithmetic, the server's hint, what may be retried, and the pickers' choices.
import { describe, expect, it } from 'vitest';
import { picker } from '../src/client/balance.js';
import { mayRetry, resolveHedgingPolicy, retryHint } from '../src/client/retry-policy.js';
import { backoffDelay, RetryBudget, RpcError, resolveRetryPolicy } from '../src/index.js';

describe('backoff', () => {
  const policy = resolveRetryPolicy({ initialBackoffMs: 100, maxBackoffMs: 1000, backoffMultiplier: 3 });

  it('grows by the multiplier from the initial backoff, up to the cap', () => {
    const top = () => 1 - Number.EPSILON;
    expect([1, 2, 3, 4, 5].map((r) => Math.round(backoffDelay(policy, r, top)))).toEqual([100, 300, 900, 1000, 1000]);
  });

  it('draws each wait uniformly from zero to that ceiling (full jitter)', () => {
    expect(backoffDelay(policy, 2, () => 0)).toBe(0);
    expect(backoffDelay(policy, 2, () => 0.5)).toBe(150);
    const waits = Array.from({ length: 2000 }, () => backoffDelay(policy, 3));
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...waits)).toBeLessThan(900);
    const mean = waits.reduce((a, b) => a + b, 0) / waits.length;
    expect(mean).toBeGreaterThan(400); // uniform on [0, 900): mean 450
    expect(mean).toBeLessThan(500);
    expect(new Set(waits.map((w) => Math.floor(w / 90))).size).toBe(10); // every tenth of the range is hit
  });

  it('has gRPC-like defaults and caps attempts at 5', () => {
    const d = resolveRetryPolicy({});
    expect({ ...d, retryableStatusCodes: [...d.retryableStatusCodes] }).toEqual({
      maxAttempts: 3,
      initialBackoffMs: 100,
      maxBackoffMs: 5000,
      backoffMultiplier: 2,
      retryableStatusCodes: ['UNAVAILABLE', 'RESOURCE_EXHAUSTED'],
    });
    expect(resolveRetryPolicy({ maxAttempts: 50 }).maxAttempts).toBe(5);
    expect(resolveHedgingPolicy({ hedgingDelayMs: 10 }).maxAttempts).toBe(2);
  });

  it('refuses policies that make no sense, naming the field', () => {
    expect(() => resolveRetryPolicy({ maxAttempts: 0 })).toThrow(/maxAttempts/);
    expect(() => resolveRetryPolicy({ maxAttempts: 1.5 })).toThrow(/maxAttempts/);
    expect(() => resolveRetryPolicy({ initialBackoffMs: 0 })).toThrow(/initialBackoffMs/);
    expect(() => resolveRetryPolicy({ initialBackoffMs: 200, maxBackoffMs: 100 })).toThrow(/maxBackoffMs/);
    expect(() => resolveRetryPolicy({ backoffMultiplier: 0.5 })).toThrow(/backoffMultiplier/);
    expect(() => resolveRetryPolicy({ retryableStatusCodes: ['INTERNAL' as 'UNAVAILABLE'] })).toThrow(/INTERNAL/);
    expect(() => resolveHedgingPolicy({ hedgingDelayMs: -1 })).toThrow(/hedgingDelayMs/);
    expect(() => resolveHedgingPolicy({} as { hedgingDelayMs: number })).toThrow(/hedgingDelayMs/);
  });
});

describe('retry budget (token bucket)', () => {
  it('allows retries while more than half the tokens are left', () => {
    const b = new RetryBudget({ maxTokens: 10, tokenRatio: 0.5 });
    expect(b.allows).toBe(true);
    for (let i = 0; i < 4; i++) b.failure();
    expect(b.tokens).toBe(6);
    expect(b.allows).toBe(true);
    b.failure(); // 5: exactly half is not more than half
    expect(b.allows).toBe(false);
    b.success(); // 5.5
    expect(b.allows).toBe(true);
  });

  it('refills by the ratio per success, never past the size, and never drains below zero', () => {
    const b = new RetryBudget({ maxTokens: 4, tokenRatio: 0.1 });
    for (let i = 0; i < 10; i++) b.failure();
    expect(b.tokens).toBe(0);
    for (let i = 0; i < 25; i++) b.success();
    expect(b.tokens).toBeCloseTo(2.5, 6);
    expect(b.allows).toBe(true);
    for (let i = 0; i < 100; i++) b.success();
    expect(b.tokens).toBe(4);
  });

  it('defaults to 100 tokens and 0.1, so 50 failures in a row stop retries', () => {
    const b = new RetryBudget();
    for (let i = 0; i < 49; i++) b.failure();
    expect(b.allows).toBe(true);
    b.failure();
    expect(b.allows).toBe(false);
  });

  it('refuses a bucket that is empty or a ratio out of range', () => {
    expect(() => new RetryBudget({ maxTokens: 0 })).toThrow(/maxTokens/);
    expect(() => new RetryBudget({ tokenRatio: 0 })).toThrow(/tokenRatio/);
    expect(() => new RetryBudget({ tokenRatio: 2 })).toThrow(/tokenRatio/);
  });
});

describe('what may be retried', () => {
  const codes = resolveRetryPolicy({}).retryableStatusCodes;
  const err = (code: 'UNAVAILABLE' | 'RESOURCE_EXHAUSTED' | 'INTERNAL' | 'DEADLINE_EXCEEDED', hint?: string) =>
    new RpcError(code, 'x', hint === undefined ? {} : { meta: { 'retry-after-ms': hint } });

  it('reads the hint: a pause in whole milliseconds, anything else a request to stop', () => {
    expect(retryHint(err('UNAVAILABLE'))).toBeUndefined();
    expect(retryHint(err('UNAVAILABLE', '250'))).toBe(250);
    expect(retryHint(err('UNAVAILABLE', '0'))).toBe(0);
    expect(retryHint(err('UNAVAILABLE', '-1'))).toBe('stop');
    expect(retryHint(err('UNAVAILABLE', 'soon'))).toBe('stop');
    expect(retryHint(err('UNAVAILABLE', '1.5'))).toBe('stop');
  });

  it('UNAVAILABLE always; RESOURCE_EXHAUSTED only with a hint; never another code or against a stop', () => {
    const may = (e: RpcError) => mayRetry(e, codes, retryHint(e));
    expect(may(err('UNAVAILABLE'))).toBe(true);
    expect(may(err('UNAVAILABLE', '-1'))).toBe(false);
    expect(may(err('RESOURCE_EXHAUSTED'))).toBe(false);
    expect(may(err('RESOURCE_EXHAUSTED', '100'))).toBe(true);
    expect(may(err('INTERNAL', '100'))).toBe(false);
    expect(may(err('DEADLINE_EXCEEDED'))).toBe(false);
    expect(mayRetry(err('RESOURCE_EXHAUSTED', '100'), new Set(['UNAVAILABLE']), 100)).toBe(false);
  });
});

describe('pickers', () => {
  it('round-robin takes ready servers in turn, skipping the rest', () => {
    const p = picker('round-robin');
    const states = ['ready', 'unhealthy', 'ready', 'ready'] as const;
    expect(Array.from({ length: 6 }, () => p.pick(states, undefined))).toEqual([0, 2, 3, 0, 2, 3]);
  });

  it('round-robin tries idle servers while none is ready, and none when all are unhealthy', () => {
    const p = picker('round-robin');
    expect([p.pick(['idle', 'unhealthy', 'idle'], undefined), p.pick(['idle', 'unhealthy', 'idle'], undefined)]).toEqual([0, 2]);
    expect(p.pick(['ready', 'idle'], undefined)).toBe(0);
    expect(p.pick(['unhealthy', 'unhealthy'], undefined)).toBeUndefined();
  });

  it('steers a retry around servers it tried, back to one of them when no other is ready', () => {
    const p = picker('round-robin');
    const tried = new Set([0]);
    expect(p.pick(['ready', 'ready'], (i) => tried.has(i))).toBe(1);
    expect(p.pick(['ready', 'unhealthy'], (i) => tried.has(i))).toBe(0);
  });

  it('pick-first stays on the first healthy server, moves when it is not, and stays on the new one', () => {
    const p = picker('pick-first');
    expect([p.pick(['ready', 'ready'], undefined), p.pick(['ready', 'ready'], undefined)]).toEqual([0, 0]);
    expect(p.pick(['unhealthy', 'ready'], undefined)).toBe(1);
    expect(p.pick(['ready', 'ready'], undefined)).toBe(1); // the first is back, but the second still serves
    expect(p.pick(['ready', 'ready'], (i) => i === 1)).toBe(0); // a retry goes elsewhere ...
    expect(p.pick(['ready', 'ready'], undefined)).toBe(1); // ... without moving the other calls
  });

  it('names a policy it does not know', () => {
    expect(() => picker('random' as 'pick-first')).toThrow(/round-robin/);
  });
});
