/**
 * A bench server in its own process, so client and server each get a core:
 * `node dist/server.js <kind> <url>`. Prints `ready <url>`.
 */
import { servers } from './rows.js';

const [kind, address] = process.argv.slice(2) as [string, string];
const start = servers[kind];
if (start === undefined) throw new Error(`no bench server of kind ${kind}`);
console.log(`ready ${(await start(new URL(address))).href}`);

// Exit normally on a signal, so profilers (--cpu-prof) write their output.
process.on('SIGINT', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
// Report CPU time used, for per-call cost estimates.
process.on('message', (m) => {
  if (m === 'cpu') process.send?.(process.cpuUsage());
});
