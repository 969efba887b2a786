/**
 * The presence signals. Defaults, and why:
 *
 * - Not SIGUSR1: Node starts its inspector (a debugger anyone on the machine
 *   can attach to) on SIGUSR1. Refused outright.
 * - Signals whose default action is to do nothing (SIGURG, SIGWINCH), so a
 *   process that registered but is not (or no longer) listening is never
 *   killed by one. SIGUSR2's default action terminates, and tools use it
 *   (nodemon restarts on it; `node --report-on-signal` defaults to it).
 * - Offline has the lower number: Linux delivers pending standard signals
 *   lowest first, so a quick restart (offline, then online) that arrives
 *   while a client is busy is still seen in that order.
 */

export const DEFAULT_ONLINE = 'SIGWINCH';
export const DEFAULT_OFFLINE = 'SIGURG';

/** Signals a presence announcement may use: catchable, and harmless or conventional for "hello". */
const ALLOWED = new Set(['SIGURG', 'SIGWINCH', 'SIGUSR2', 'SIGHUP', 'SIGPWR']);

export interface PresenceSignals {
  /** Sent when the service starts (and to clients that register while it runs). Default SIGWINCH. */
  online?: NodeJS.Signals;
  /** Sent when the service shuts down. Default SIGURG. */
  offline?: NodeJS.Signals;
}

export function presenceSignals(options: PresenceSignals): { online: NodeJS.Signals; offline: NodeJS.Signals } {
  const online = options.online ?? DEFAULT_ONLINE;
  const offline = options.offline ?? DEFAULT_OFFLINE;
  for (const s of [online, offline]) {
    if (s === 'SIGUSR1') throw new TypeError('SIGUSR1 starts the Node inspector: choose another presence signal');
    if (!ALLOWED.has(s)) throw new TypeError(`${s} is not a presence signal; use one of ${[...ALLOWED].join(', ')}`);
  }
  if (online === offline) throw new TypeError(`online and offline need different signals (both ${online})`);
  return { online, offline };
}
