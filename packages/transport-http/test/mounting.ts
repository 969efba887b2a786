/**
 * Servers of the tests' own — node:http and Express — with Interoffice
 * endpoints mounted in them, and transports that mount each endpoint
 * serve() asks for there (through the same request and upgrade handlers
 * httpHandler() returns), so the conformance suite runs on mounted endpoints too.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FrameTransport, MessageServer, MessageTransport } from '@interoffice/core';
import express from 'express';
import { httpTransport, wsTransport } from '../src/index.js';
import { resolveWsOptions } from '../src/options.js';
import { requestHandler, type RequestHandler } from '../src/request-handler.js';
import type { WsConnection } from '../src/ws-connection.js';
import { wsUpgrade, type UpgradeHandler } from '../src/ws-server.js';

/** A server with endpoints mounted by path; its own route `GET /hello` shows requests outside them still reach the app. */
export interface Host {
  readonly port: number;
  readonly handlers: Map<string, RequestHandler>;
  readonly upgrades: Map<string, UpgradeHandler>;
  close(): Promise<void>;
}

export async function startHost(kind: 'node:http' | 'Express'): Promise<Host> {
  const handlers = new Map<string, RequestHandler>();
  const upgrades = new Map<string, UpgradeHandler>();
  const dispatch: RequestHandler = (req, res, next) => {
    for (const [path, handle] of handlers) if (req.url?.startsWith(path)) return handle(req, res, next);
    if (next !== undefined) return next();
    res.writeHead(404).end('not here\n');
  };
  let server: Server;
  if (kind === 'Express') {
    const app = express();
    app.get('/hello', (_req, res) => void res.type('text/plain').send('hello from express'));
    app.use((req, res, next) => dispatch(req, res, next));
    server = createServer(app);
  } else {
    server = createServer((req, res) => {
      if (req.url === '/hello') return void res.end('hello from node:http');
      dispatch(req, res);
    });
  }
  server.on('upgrade', (req, socket, head) => {
    for (const upgrade of upgrades.values()) if (upgrade(req, socket, head)) return;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    handlers,
    upgrades,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** An http:// transport whose listen mounts the endpoint in `host` (its URL's port must be the host's). */
export function mountedHttp(host: Host, maxFrameBytes: number): MessageTransport {
  const client = httpTransport({ maxFrameBytes });
  const o = resolveWsOptions('mounted', { maxFrameBytes });
  return {
    ...client,
    async listen(url, server) {
      let serving: MessageServer | undefined = server;
      host.handlers.set(
        url.pathname,
        requestHandler(url.pathname, false, () => serving, o),
      );
      return { url, close: async () => void (serving = undefined) };
    },
  };
}

/** A ws:// transport whose listen mounts the endpoint in `host`'s upgrade event. */
export function mountedWs(host: Host, maxFrameBytes: number): FrameTransport {
  const client = wsTransport({ maxFrameBytes, reconnect: { initialDelayMs: 20, maxDelayMs: 200 } });
  const o = resolveWsOptions('mounted', { maxFrameBytes });
  return {
    ...client,
    async listen(url, accept) {
      let serving: typeof accept | undefined = accept;
      host.upgrades.set(
        url.pathname,
        wsUpgrade(url.pathname, false, () => serving, o, new Set<WsConnection>()),
      );
      return { url, close: async () => void (serving = undefined) };
    },
  };
}
