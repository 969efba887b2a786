/**
 * Resumed server streams over WebSocket: a proxy resets the TCP connection
 * under a ws:// stream (the server stays up); the client reconnects with its
 * backoff and resumes after the last item it got — every item once, in
 * order. A stream that is not resumable ends with UNAVAILABLE at the cut.
 */
import type { RpcError } from '@interoffice/core';
import { afterEach, describe, expect, it } from 'vitest';
import { conformanceBehindCutProxy } from '../../core/test/shared/cut-proxy.js';
import { wsTransport } from '../src/index.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const quiet = { warn: () => {}, error: () => {} };

const world = () =>
  conformanceBehindCutProxy(
    'ws://127.0.0.1:0/rpc/',
    [wsTransport({ logger: quiet, reconnect: { initialDelayMs: 20, maxDelayMs: 200 } })],
    cleanups,
  );

describe('resumed streams over ws://', () => {
  it('a resumable stream resumes after the last item the caller got when the connection is cut', async () => {
    const { state, proxy, client } = await world();
    const got: number[] = [];
    for await (const n of client.ticks({ count: 50, delayMs: 5 }, { timeout: 20_000 })) {
      got.push(n);
      if (n === 15) proxy.cut();
    }
    expect(got).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(proxy.connections).toBe(2);
    expect(state.resumedAfter).toHaveLength(2);
    expect(Number(state.resumedAfter[1])).toBeGreaterThanOrEqual(15);
  });

  it('a stream that is not resumable ends with UNAVAILABLE at the cut', async () => {
    const { proxy, client } = await world();
    const error = await (async () => {
      for await (const n of client.countdown({ from: 100, delayMs: 5 })) if (n === 90) proxy.cut();
    })().then(
      () => undefined,
      (e: RpcError) => e,
    );
    expect(error?.code).toBe('UNAVAILABLE');
  });
});
