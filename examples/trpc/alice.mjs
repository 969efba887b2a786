// Alice serves her tRPC router over Interoffice: node --import ./register.mjs alice.mjs [url...]
// (default: a unix socket in the temp folder). Prints `ready <url>` for each address.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@interoffice/core';
import { implementRouter } from '@interoffice/trpc';
import { socketTransport } from '@interoffice/transport-socket';
import { appRouter } from './router.mjs';

const listen = process.argv.slice(2);
if (listen.length === 0) listen.push(`unix://${join(tmpdir(), 'interoffice-trpc.sock')}`);

const server = await serve(
  implementRouter(appRouter, {
    // The router's context, from the Interoffice call: its metadata and its peer.
    createContext: ({ call }) => ({ user: call.meta['x-user'], transport: call.peer.transport }),
  }),
  { listen, transports: [socketTransport()] },
);
for (const url of server.urls) console.log(`ready ${url.href}`);

process.on('SIGINT', () => server.close().then(() => process.exit(0)));
process.on('SIGTERM', () => server.close().then(() => process.exit(0)));
