/**
 * Serving inside an HTTP server you already have (node:http, Express, …):
 * a request handler for a path, and an upgrade handler for WebSocket at the
 * same path, with core's server behind both.
 */
import {
  RpcError,
  serve,
  type Connection,
  type FrameHandler,
  type FrameTransport,
  type MessageServer,
  type MessageTransport,
  type ServeOptions,
  type Server,
  type ServiceImplementation,
} from '@interoffice/core';
import { resolveWsOptions, type WsTransportOptions } from './options.js';
import { requestHandler, type RequestHandler } from './request-handler.js';
import type { WsConnection } from './ws-connection.js';
import { wsUpgrade, type UpgradeHandler } from './ws-server.js';

export interface HttpHandlerOptions extends Omit<ServeOptions, 'listen' | 'transports'>, WsTransportOptions {
  /** The path it answers at (`/rpc/`). */
  path?: string;
  /** Whether the outer server is HTTPS (for the same-origin check). */
  secure?: boolean;
}

/** A mounted endpoint: the handler to give your server, and core's server to close. */
export interface HttpHandler {
  /** `(req, res, next?)`: answers requests under the path; calls `next()` (Express) or answers 404 for others. */
  readonly handle: RequestHandler;
  /**
   * For your server's `upgrade` event: takes WebSocket upgrades at the path (the `ws://` wire,
   * origin-checked like `handle`) and returns true; returns false for other paths, which stay yours.
   */
  readonly upgrade: UpgradeHandler;
  readonly server: Server;
}

/**
 * Serve `services` as a request handler under `path` of an HTTP server of
 * yours: the same endpoint `http://…/rpc/` gives (JSON-RPC POSTs, per-method
 * routes, GET for reads, `openapi.json`).
 *
 * @example
 * const rpc = await httpHandler(implement(Calculator, handlers), { path: '/rpc/' });
 * app.use(rpc.handle); // Express; or http.createServer(rpc.handle)
 */
export async function httpHandler(
  services: ServiceImplementation | readonly ServiceImplementation[],
  options: HttpHandlerOptions = {},
): Promise<HttpHandler> {
  const path = options.path ?? '/';
  if (!path.startsWith('/')) throw new TypeError(`httpHandler: path must start with "/", not ${JSON.stringify(path)}`);
  const o = resolveWsOptions('httpHandler', options);
  let target: MessageServer | undefined;
  let accept: ((c: Connection) => FrameHandler) | undefined;
  const sockets: FrameTransport = {
    schemes: ['mounted-ws'],
    connect: () => Promise.reject(new RpcError('UNIMPLEMENTED', 'a mounted endpoint is called over WebSocket')),
    async listen(url, take) {
      accept = take;
      return { url, close: async () => void (accept = undefined) };
    },
  };
  const mounted: MessageTransport = {
    kind: 'messages',
    schemes: ['mounted'],
    maxFrameBytes: o.maxFrameBytes,
    connect: () => Promise.reject(new RpcError('UNIMPLEMENTED', 'a mounted endpoint is called over HTTP')),
    async listen(url, server) {
      target = server;
      return { url, close: async () => void (target = undefined) };
    },
  };
  const {
    path: _p,
    secure: _s,
    allowOrigins: _a,
    tls: _t,
    maxFrameBytes: _m,
    maxBufferedBytes: _b,
    heartbeatMs: _h,
    connectTimeoutMs: _c,
    reconnect: _r,
    ...serveOptions
  } = options;
  const server = await serve(services, {
    ...serveOptions,
    listen: [`mounted://handler${path}`, `mounted-ws://handler${path}`],
    transports: [mounted, sockets],
  });
  const base = path.endsWith('/') ? path : `${path}/`;
  const handle = requestHandler(base, options.secure === true, () => target, o);
  const upgrade = wsUpgrade(base, options.secure === true, () => accept, o, new Set<WsConnection>());
  return { handle, upgrade, server };
}
