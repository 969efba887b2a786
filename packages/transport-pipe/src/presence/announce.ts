/**
 * The service's side of presence: tell registered local clients "online"
 * when it starts (and any client that registers while it runs), and
 * "offline" when it shuts down. Signals carry no data; they say only which
 * of the two happened.
 */
import { existsSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { RpcError, stderrLogger, type Logger } from '@interoffice/core';
import { ensurePrivateDir } from '../private-dir.js';
import { PID_FILE, registered, signalOne, signalRegistered, type SignalReport } from './registry.js';
import { presenceSignals, type PresenceSignals } from './signals.js';

/** Options of {@link announcePresence}. */
export interface AnnounceOptions extends PresenceSignals {
  /** Signal clients that register while the service runs, at once (true; uses inotify, no polling). */
  greetNewcomers?: boolean;
  /** Where pruned registrations are reported (stderr). */
  logger?: Logger;
}

/** A running announcement. */
export interface Presence {
  /** What announcing "online" did at start. */
  readonly started: SignalReport;
  /** Announce "offline" to every registered client and stop greeting newcomers. */
  close(): Promise<SignalReport>;
}

/** Presence reads /proc to tell a registered process from a stranger. */
export function checkPlatform(): void {
  if (process.platform !== 'linux') throw new RpcError('FAILED_PRECONDITION', 'presence by signal needs Linux (/proc)');
}

/**
 * Announce that the service is up to the clients registered in `dir` (a
 * folder this service owns, created 0700 if absent).
 *
 * @example
 * const server = await serve(impl, { listen, transports });
 * const presence = await announcePresence('/run/user/1000/calc.pids');
 * process.once('SIGTERM', async () => { await presence.close(); await server.close(); });
 */
export async function announcePresence(dir: string, options: AnnounceOptions = {}): Promise<Presence> {
  checkPlatform();
  const { online, offline } = presenceSignals(options);
  const logger = options.logger ?? stderrLogger;
  await ensurePrivateDir(dir, 'the presence folder');
  const started: SignalReport = { signalled: [], pruned: [] };
  // Each registration is greeted once while online, whether seen at start or by the watcher.
  const greeted = new Set<number>();
  const greet = (pid: number, report: SignalReport): Promise<void> => {
    if (greeted.has(pid)) return Promise.resolve();
    greeted.add(pid);
    return signalOne(dir, pid, online, report, logger);
  };
  let watcher: FSWatcher | undefined;
  if (options.greetNewcomers ?? true) {
    // Watch before listing, so a client registering meanwhile is not missed.
    watcher = watch(dir, (_event, name) => {
      if (name === null || !PID_FILE.test(name)) return;
      const pid = Number(name);
      if (!existsSync(join(dir, name)))
        greeted.delete(pid); // unregistered: greet again if it comes back
      else void greet(pid, { signalled: [], pruned: [] });
    });
    watcher.on('error', (e) => logger.error(`presence: watching ${dir} failed`, e));
  }
  for (const pid of await registered(dir)) await greet(pid, started);
  let closed: Promise<SignalReport> | undefined;
  return {
    started,
    close() {
      watcher?.close();
      closed ??= signalRegistered(dir, offline, logger);
      return closed;
    },
  };
}
