/**
 * Alice serves the Calculator until stopped:
 *   pnpm alice [--listen <url>]...   (default: a unix socket in the temp folder)
 */
import { serve } from '@interoffice/core';
import { calculatorHandlers } from './handlers.js';
import { defaultUrl, option, transports } from './transports.js';

const listen = option(process.argv.slice(2), '--listen');
const server = await serve(calculatorHandlers((text) => console.log(`note: ${text}`)), {
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
