/**
 * A bench server in its own process, so client and server each get a core:
 * `node dist/server.js <raw|interoffice|jsonrpc2> <url>`. Prints `ready <url>`.
 */
import { serve } from '@interoffice/core';
import { socketTransport } from '@interoffice/transport-socket';
import { jsonRpc2Server } from './jsonrpc2.js';
import { rawEchoServer } from './raw.js';
import { benchImpl } from './service.js';
import { netTarget } from './target.js';

const [kind, address] = process.argv.slice(2) as [string, string];
const url = new URL(address);

if (kind === 'interoffice') {
  const server = await serve(benchImpl, { listen: [url], transports: [socketTransport()] });
  console.log(`ready ${(server.urls[0] as URL).href}`);
} else {
  const server = kind === 'raw' ? rawEchoServer() : jsonRpc2Server();
  const target = netTarget(url);
  await new Promise<void>((resolve) => server.listen(target, resolve));
  const bound = server.address();
  console.log(`ready ${typeof bound === 'object' && bound !== null ? `tcp://127.0.0.1:${bound.port}` : url.href}`);
}

// Exit normally on a signal, so profilers (--cpu-prof) write their output.
process.on('SIGINT', () => process.exit(0));
// Report CPU time used, for per-call cost estimates (bench/prof2.mjs).
process.on('message', (m) => {
  if (m === 'cpu') process.send?.(process.cpuUsage());
});
process.on('SIGTERM', () => process.exit(0));
