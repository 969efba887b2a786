/**
 * Serving inside an HTTP server you already have (node:http, Express, …):
 * a request handler for a path, with core's server behind it.
 */
import {
  RpcError,
  serve,
  type MessageServer,
  type MessageTransport,
  type ServeOptions,
  type Server,
  type ServiceImplementation,
} from '@interoffice/core';
import { resolveWebOptions, type WebTransportOptions } from './options.js';
import { requestHandler, type RequestHandler } from './request-handler.js';

export interface HttpHandlerOptions extends Omit<ServeOptions, 'listen' | 'transports'>, WebTransportOptions {
  /** The path it answers at (`/rpc/`). */
  path?: string;
  /** Whether the outer server is HTTPS (for the same-origin check). */
  secure?: boolean;
}

/** A mounted endpoint: the handler to give your server, and core's server to close. */
export interface HttpHandler {
  /** `(req, res, next?)`: answers requests under the path; calls `next()` (Express) or answers 404 for others. */
  readonly handle: RequestHandler;
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
  const o = resolveWebOptions('httpHandler', options);
  let target: MessageServer | undefined;
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
  const { path: _p, secure: _s, allowOrigins: _a, tls: _t, maxFrameBytes: _m, ...serveOptions } = options;
  const server = await serve(services, { ...serveOptions, listen: [`mounted://handler${path}`], transports: [mounted] });
  const handle = requestHandler(path.endsWith('/') ? path : `${path}/`, options.secure === true, () => target, o);
  return { handle, server };
}
