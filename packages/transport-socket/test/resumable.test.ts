/**
 * Resumable streams over a real TCP connection that dies mid-stream (a
 * proxy between client and server resets it; the server stays up): the
 * caller reconnects and resumes after the last item it got — every item
 * once, in order, and the loop never sees the drop. The same cut ends a
 * stream that is not resumable with UNAVAILABLE.
 */
import type { RpcError } from '@interoffice/core';
import { afterEach, describe, expect, it } from 'vitest';
import { conformanceBehindCutProxy } from '../../core/test/shared/cut-proxy.js';
import { socketTransport } from '../src/index.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const quiet = { warn: () => {}, error: () => {} };

const world = () => conformanceBehindCutProxy('tcp://127.0.0.1:0', [socketTransport({ logger: quiet })], cleanups);

describe('resumable streams over a socket that is cut', () => {
  it('resume after the last item the caller got, on a new connection, each time the connection is cut', async () => {
    const { state, proxy, client } = await world();
    const got: number[] = [];
    for await (const n of client.ticks({ count: 60, delayMs: 5 }, { timeout: 20_000 })) {
      got.push(n);
      if (n === 10 || n === 30) proxy.cut();
    }
    expect(got).toEqual(Array.from({ length: 60 }, (_, i) => i));
    expect(proxy.connections).toBe(3);
    // The server resumed twice, each time after an item the caller had (the cut may overtake a few in flight).
    expect(state.resumedAfter).toHaveLength(3);
    expect(state.resumedAfter[0]).toBeUndefined();
    expect(Number(state.resumedAfter[1])).toBeGreaterThanOrEqual(10);
    expect(Number(state.resumedAfter[2])).toBeGreaterThanOrEqual(30);
  });

  it('a stream that is not resumable ends with UNAVAILABLE at the cut', async () => {
    const { proxy, client } = await world();
    const got: number[] = [];
    const error = await (async () => {
      for await (const n of client.countdown({ from: 100, delayMs: 5 })) {
        got.push(n);
        if (n === 90) proxy.cut();
      }
    })().then(
      () => undefined,
      (e: RpcError) => e,
    );
    expect(error?.code).toBe('UNAVAILABLE');
    expect(got.slice(0, 11)).toEqual(Array.from({ length: 11 }, (_, i) => 100 - i));
  });

  it('a resumed call keeps the first call’s deadline: it fails DEADLINE_EXCEEDED when the server cannot be reached again in time', async () => {
    const { proxy, client } = await world();
    const got: number[] = [];
    const started = Date.now();
    const error = await (async () => {
      for await (const n of client.ticks({ count: 1000, delayMs: 5 }, { timeout: 1500 })) {
        got.push(n);
        if (n === 5) await proxy.close(); // nobody listens any more
      }
    })().then(
      () => undefined,
      (e: RpcError) => e,
    );
    expect(error?.code).toBe('DEADLINE_EXCEEDED');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(got.slice(0, 6)).toEqual([0, 1, 2, 3, 4, 5]);
  });
});
