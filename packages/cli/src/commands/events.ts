/**
 * `interoffice publish <url> <channel> <payload>` and
 * `interoffice subscribe <url> <channel>`: events through core's
 * `openEvents()`, on every transport that carries them. Payloads are text;
 * a subscriber prints one line per message.
 */
import { openEvents } from '@interoffice/core';
import { numberOption, parseArgs, UsageError } from '../args.js';
import type { Io } from '../io.js';
import { CONNECT_OPTIONS, loadTransports } from '../transports.js';

export async function publish(args: readonly string[], io: Io): Promise<number> {
  const p = parseArgs(args, { options: [...CONNECT_OPTIONS] });
  const [url, channel, payload, ...rest] = p.positionals;
  if (url === undefined || channel === undefined || payload === undefined || rest.length > 0) {
    throw new UsageError('publish takes <url> <channel> <payload>');
  }
  const bus = await openEvents(url, { transports: await loadTransports(p) });
  try {
    await bus.publish(channel, payload);
  } finally {
    await bus.close();
  }
  void io;
  return 0;
}

/** Resolves when the process is told to stop. */
function stopSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

export async function subscribe(args: readonly string[], io: Io, stopped: Promise<void> = stopSignal()): Promise<number> {
  const p = parseArgs(args, { options: ['--count', ...CONNECT_OPTIONS] });
  const [url, channel, ...rest] = p.positionals;
  if (url === undefined || channel === undefined || rest.length > 0) throw new UsageError('subscribe takes <url> <channel>');
  const count = numberOption(p, '--count', Infinity);
  const bus = await openEvents(url, { transports: await loadTransports(p) });
  let seen = 0;
  let enough: () => void = () => {};
  const done = new Promise<void>((resolve) => (enough = resolve));
  const stop = await bus.subscribe(channel, (payload) => {
    if (seen >= count) return;
    io.out(payload.replace(/\r?\n/g, '\\n'));
    if (++seen >= count) enough();
  });
  io.err('subscribed');
  try {
    if (count > 0) await Promise.race([done, stopped]);
  } finally {
    await stop();
    await bus.close();
  }
  return 0;
}
