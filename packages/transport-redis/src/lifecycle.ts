/** A connection's outages, reported once each way. */
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
