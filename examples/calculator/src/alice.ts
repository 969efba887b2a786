/**
 * Alice serves the Calculator until stopped — the zod one and the one from
 * proto/calculator/v1/calculator.proto, on every URL:
 *   pnpm alice [--listen <url>]...   (default: a unix socket in a folder of this user's own)
 */
import { serve } from '@interoffice/core';
import { calculatorHandlers } from './handlers.js';
import { protoCalculatorHandlers } from './proto-handlers.js';
import { defaultDir, defaultUrl, option, privateDir, transports } from './transports.js';

const listen = option(process.argv.slice(2), '--listen');
if (listen.length === 0) await privateDir(defaultDir);
const server = await serve([calculatorHandlers((text) => console.log(`note: ${text}`)), protoCalculatorHandlers()], {
  listen: listen.length > 0 ? listen : [defaultUrl],
  transports,
});
for (const url of server.urls) console.log(`Alice is listening on ${url.href}`);

const stop = async (): Promise<void> => {
  await server.close({ graceMs: 1000 });
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
