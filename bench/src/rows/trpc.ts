/**
 * tRPC rows: a stock tRPC client calling a tRPC router through
 * `interofficeLink` over a unix socket, against tRPC's own `httpLink` to its
 * standalone HTTP server on loopback (the baseline; `httpBatchLink`
 * would add its 1 ms batching timer to every call). Same router, same
 * procedure: `add({ a, b })`, a query with zod-validated input.
 */
import type { AddressInfo } from 'node:net';
import { connect, serve } from '@interoffice/core';
import { implementRouter, interofficeLink } from '@interoffice/trpc';
import { socketTransport } from '@interoffice/transport-socket';
import { createTRPCClient, httpLink, type TRPCClient } from '@trpc/client';
import { initTRPC } from '@trpc/server';
import { createHTTPServer } from '@trpc/server/adapters/standalone';
import { z } from 'zod';
import type { Caller } from '../measure.js';
import type { Row, StartServer } from './row.js';

const t = initTRPC.create();
const benchRouter = t.router({
  add: t.procedure.input(z.object({ a: z.number(), b: z.number() })).query(({ input }) => input.a + input.b),
  // A mutation, so that httpLink POSTs the payload instead of putting it in the URL.
  echo: t.procedure.input(z.object({ s: z.string() })).mutation(({ input }) => input.s),
});
type BenchRouter = typeof benchRouter;

function caller(trpc: TRPCClient<BenchRouter>, close: () => Promise<void>): Caller {
  let i = 0;
  return { call: () => trpc.add.query({ a: ++i, b: 1 }), echo: (s) => trpc.echo.mutate({ s }), close };
}

async function viaLink(url: URL): Promise<Caller> {
  const channel = await connect(url, { transports: [socketTransport()] });
  return caller(createTRPCClient<BenchRouter>({ links: [interofficeLink({ channel })] }), () => channel.close());
}

async function viaHttp(url: URL): Promise<Caller> {
  const trpc = createTRPCClient<BenchRouter>({ links: [httpLink({ url: url.href.replace(/\/$/, '') })] });
  return caller(trpc, async () => {});
}

export const servers: Record<string, StartServer> = {
  'trpc-http': (url) =>
    new Promise((resolve) => {
      const server = createHTTPServer({ router: benchRouter });
      server.listen(Number(url.port), url.hostname, () =>
        resolve(new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
      );
    }),
  'trpc-interoffice': async (url) => {
    const server = await serve(implementRouter(benchRouter), { listen: [url], transports: [socketTransport()] });
    return server.urls[0] as URL;
  },
};

export const TRPC_HTTP = 'tRPC httpLink, http loopback';

export const rows: Row[] = [
  { name: TRPC_HTTP, server: 'trpc-http', address: 'http://127.0.0.1:0', client: viaHttp },
  {
    name: 'tRPC interofficeLink, unix',
    baseline: TRPC_HTTP,
    server: 'trpc-interoffice',
    address: 'unix://$DIR/$N.sock',
    client: viaLink,
  },
];
