/**
 * `interoffice inspect <url>`: a web page, on this machine only, for looking
 * at a server through any transport the CLI reaches — its methods, a form
 * for each, calls and what they answer.
 */
import { connect, DEFAULT_TIMEOUT_MS } from '@interoffice/core';
import { numberOption, parseArgs, UsageError } from '../args.js';
import { startInspector } from '../inspect/server.js';
import type { Io } from '../io.js';
import { CONNECT_OPTIONS, loadTransports } from '../transports.js';

export async function inspect(args: readonly string[], io: Io): Promise<number> {
  const p = parseArgs(args, { options: ['--port', '--timeout', ...CONNECT_OPTIONS], flags: [] });
  const [url, ...rest] = p.positionals;
  if (url === undefined || rest.length > 0) throw new UsageError('inspect takes <url>');
  const port = numberOption(p, '--port', 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port must be a port number (0: any free one)');
  // Lazy: the page opens even while the server is down, and says so.
  const channel = await connect(url, { transports: await loadTransports(p), lazy: true });
  const inspector = await startInspector(channel, url, port, numberOption(p, '--timeout', DEFAULT_TIMEOUT_MS));
  io.out(`Inspecting ${url}`);
  io.out(`Open ${inspector.url}`);
  io.out('(this machine only; the token in the address is the key. Ctrl-C stops.)');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await inspector.close();
  await channel.close();
  return 0;
}
