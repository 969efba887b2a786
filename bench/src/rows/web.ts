/**
 * The web transports' rows (issue #16), on loopback: Interoffice over
 * WebSocket against a raw `ws` echo (the goal: p50 ≤ 1.2× the echo) and
 * tRPC's own wsLink to its ws adapter; Interoffice over HTTP against tRPC's
 * httpLink to its standalone server (the goal: throughput ≥ 3× httpLink).
 */
import type { AddressInfo } from 'node:net';
import { connect, serve } from '@interoffice/core';
import { httpTransport, wsTransport } from '@interoffice/transport-http';
import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import { initTRPC } from '@trpc/server';
import { applyWSSHandler } from '@trpc/server/adapters/ws';
import { WebSocket, WebSocketServer } from 'ws';
import { z } from 'zod';
import type { Caller } from '../measure.js';
import { benchCaller, benchImpl } from '../service.js';
import type { Row, StartServer } from './row.js';
import { TRPC_HTTP } from './trpc.js';

const t = initTRPC.create();
const router = t.router({
  add: t.procedure.input(z.object({ a: z.number(), b: z.number() })).query(({ input }) => input.a + input.b),
  echo: t.procedure.input(z.object({ s: z.string() })).mutation(({ input }) => input.s),
});

function wsServer(url: URL): Promise<{ wss: WebSocketServer; url: URL }> {
  return new Promise((resolve) => {
    const wss: WebSocketServer = new WebSocketServer(
      { host: url.hostname, port: Number(url.port), perMessageDeflate: false },
      () => resolve({ wss, url: new URL(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}/`) }),
    );
  });
}

/** A raw client: JSON-RPC text out, each reply JSON.parsed and matched by id — the least any ws RPC does. */
async function rawWsClient(url: URL): Promise<Caller> {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const pending = new Map<number, (v: unknown) => void>();
  ws.on('message', (data) => {
    const m = JSON.parse(String(data)) as { id: number; params: { a: number; b: number; s?: string } };
    pending.get(m.id)?.(m.params.s ?? m.params.a + m.params.b);
    pending.delete(m.id);
  });
  let i = 0;
  const ask = (method: string, params: (id: number) => object): Promise<unknown> =>
    new Promise((resolve) => {
      const id = ++i;
      pending.set(id, resolve);
      ws.send(JSON.stringify({ jsonrpc: '2.0', id, method, params: params(id) }));
    });
  return {
    call: () => ask('add', (id) => ({ a: id, b: 1 })),
    echo: (s) => ask('echo', () => ({ s })),
    close: async () => ws.close(),
  };
}

async function interoffice(url: URL, transport: typeof httpTransport | typeof wsTransport): Promise<Caller> {
  const channel = await connect(url, { transports: [transport()] });
  return benchCaller(channel);
}

async function trpcWs(url: URL): Promise<Caller> {
  const client = createWSClient({ url: url.href, WebSocket: WebSocket as unknown as typeof globalThis.WebSocket });
  const trpc = createTRPCClient<typeof router>({ links: [wsLink({ client })] });
  let i = 0;
  return {
    call: () => trpc.add.query({ a: ++i, b: 1 }),
    echo: (s) => trpc.echo.mutate({ s }),
    close: async () => client.close(),
  };
}

export const servers: Record<string, StartServer> = {
  'raw-ws': async (url) => {
    const { wss, url: bound } = await wsServer(url);
    wss.on('connection', (ws) => ws.on('message', (data, binary) => ws.send(data, { binary })));
    return bound;
  },
  'trpc-ws': async (url) => {
    const { wss, url: bound } = await wsServer(url);
    applyWSSHandler({ wss, router });
    return bound;
  },
  'interoffice-ws': async (url) => (await serve(benchImpl, { listen: [url], transports: [wsTransport()] })).urls[0] as URL,
  'interoffice-http': async (url) => (await serve(benchImpl, { listen: [url], transports: [httpTransport()] })).urls[0] as URL,
};

export const RAW_WS = 'raw ws echo, loopback';

export const rows: Row[] = [
  { name: RAW_WS, server: 'raw-ws', address: 'ws://127.0.0.1:0/', client: rawWsClient },
  {
    name: 'interoffice ws, loopback',
    baseline: RAW_WS,
    server: 'interoffice-ws',
    address: 'ws://127.0.0.1:0/rpc/',
    client: (u) => interoffice(u, wsTransport),
  },
  { name: 'tRPC wsLink, loopback', baseline: RAW_WS, server: 'trpc-ws', address: 'ws://127.0.0.1:0/', client: trpcWs },
  {
    name: 'interoffice http, loopback',
    baseline: TRPC_HTTP,
    server: 'interoffice-http',
    address: 'http://127.0.0.1:0/rpc/',
    client: (u) => interoffice(u, httpTransport),
  },
];
