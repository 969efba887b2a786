/**
 * The brokers' event tests after a connection lost: events are at most once, so what is
 * published before a subscriber is back is not heard; `send` publishes every 50 ms until
 * `got` has something, and all it has must be what `send` published. And {@link publishOutcome}.
 */
import type { EventBus } from '@interoffice/core';
import { expect } from 'vitest';
import { until } from './until.js';

export async function hearsAgain(got: readonly string[], send: () => unknown, payload: string): Promise<void> {
  const poll = setInterval(send, 50);
  try {
    await until(() => got.length > 0, 10_000, 'the subscription hears again');
  } finally {
    clearInterval(poll);
  }
  expect(new Set(got)).toEqual(new Set([payload]));
}

/**
 * How a publish on `bus` ends within `ms`: 'sent', its error's code, or 'waiting' (one made
 * before the client library saw the connection drop waits for a reconnection).
 */
export function publishOutcome(bus: EventBus, channel: string, ms = 200): Promise<string | undefined> {
  const sent = bus.publish(channel, 'x').then(
    () => 'sent',
    (e: { code?: string }) => e.code,
  );
  return Promise.race([sent, new Promise<string>((r) => setTimeout(() => r('waiting'), ms))]);
}
