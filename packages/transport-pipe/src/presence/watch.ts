/**
 * A client's side of presence: register this process's PID in the
 * service's folder and turn its signals into typed `online` / `offline`
 * events. A crash of the service sends nothing (it cannot); its next start
 * sends `online`.
 */
import { unlinkSync } from 'node:fs';
import { unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensurePrivateDir } from '../private-dir.js';
import { checkPlatform } from './announce.js';
import { ownStart } from './proc.js';
import { presenceSignals, type PresenceSignals } from './signals.js';

export type PresenceState = 'online' | 'offline';

/** One announcement, as this client saw it. */
export interface PresenceEvent {
  /** What the service said. */
  readonly type: PresenceState;
  /** The signal that carried it. */
  readonly signal: NodeJS.Signals;
  /** When it arrived. */
  readonly at: Date;
}

/** A registration in a service's presence folder. */
export interface PresenceWatch {
  /** The last state announced; `unknown` until the first announcement. */
  readonly state: PresenceState | 'unknown';
  /** Call `listener` on each announcement of `type` (`change`: either). Returns a function that stops it. */
  on(type: PresenceState | 'change', listener: (event: PresenceEvent) => void): () => void;
  /** The next announcement (of `type`, if given). */
  next(type?: PresenceState): Promise<PresenceEvent>;
  /** Unregister: remove the PID file, then stop listening. */
  close(): Promise<void>;
}

/** Signals already listened to by a watch in this process: a signal does not say who sent it. */
const inUse = new Set<NodeJS.Signals>();

/**
 * Register this process in the presence folder `dir` and watch for the
 * service's announcements. A running service greets the registration at
 * once, possibly before this resolves: listeners added afterwards miss
 * that first announcement, but `state` has it — read it after adding them.
 *
 * @example
 * const presence = await watchPresence('/run/user/1000/calc.pids');
 * presence.on('offline', () => console.error('the calculator went away'));
 */
export async function watchPresence(dir: string, options: PresenceSignals = {}): Promise<PresenceWatch> {
  checkPlatform();
  const signals = presenceSignals(options);
  for (const s of [signals.online, signals.offline]) {
    if (inUse.has(s)) throw new Error(`this process already watches presence on ${s}; a second service needs other signals`);
  }
  await ensurePrivateDir(dir, 'the presence folder');
  const listeners = new Set<{ type: PresenceState | 'change'; fn: (e: PresenceEvent) => void }>();
  let state: PresenceState | 'unknown' = 'unknown';
  const handler = (type: PresenceState, signal: NodeJS.Signals) => (): void => {
    state = type;
    const event: PresenceEvent = { type, signal, at: new Date() };
    for (const l of [...listeners]) if (l.type === type || l.type === 'change') l.fn(event);
  };
  const onOnline = handler('online', signals.online);
  const onOffline = handler('offline', signals.offline);
  // Listen first, register second: a signal can never find this process unprepared.
  process.on(signals.online, onOnline);
  process.on(signals.offline, onOffline);
  inUse.add(signals.online).add(signals.offline);
  const file = join(dir, String(process.pid));
  const cleanup = (): void => {
    try {
      unlinkSync(file);
    } catch {
      // already gone
    }
  };
  process.once('exit', cleanup);
  try {
    await writeFile(file, `${ownStart()}\n`, { mode: 0o600 });
  } catch (e) {
    process.off(signals.online, onOnline).off(signals.offline, onOffline).off('exit', cleanup);
    inUse.delete(signals.online);
    inUse.delete(signals.offline);
    throw e;
  }
  let closed = false;
  const on = (type: PresenceState | 'change', fn: (e: PresenceEvent) => void): (() => void) => {
    const entry = { type, fn };
    listeners.add(entry);
    return () => void listeners.delete(entry);
  };
  return {
    get state() {
      return state;
    },
    on,
    next(type) {
      return new Promise((resolve) => {
        const stop = on(type ?? 'change', (e) => {
          stop();
          resolve(e);
        });
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      // Unregister before unlistening, so no announcement arrives unhandled.
      await unlink(file).catch(() => {});
      process.off('exit', cleanup);
      process.off(signals.online, onOnline).off(signals.offline, onOffline);
      inUse.delete(signals.online);
      inUse.delete(signals.offline);
      listeners.clear();
    },
  };
}
