/** Small helpers for a connection's life: reporting outages once, and steps that may not wait forever. */
import type { RedisClient } from './connector.js';

/** Call `report` once when `client` loses Redis (not at every retry) and once when it is back. */
export function reportOutages(client: RedisClient, report: (lost: boolean) => void, quiet: () => boolean): void {
  let lost = false;
  client.on('close', () => {
    if (lost || quiet()) return;
    lost = true;
    report(true);
  });
  client.on('ready', () => {
    if (!lost) return;
    lost = false;
    report(false);
  });
}

/** Resolves when `p` settles or after `ms`, whichever comes first; never rejects. */
export function bounded(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<void>((r) => (timer = setTimeout(r, ms)));
  return Promise.race([p.then(noop, noop), late]).finally(() => clearTimeout(timer));
}

function noop(): void {}
