/** The `ws://` / `wss://` transport: a frame transport where each client holds one full-duplex WebSocket. */
import type { FrameTransport } from '@interoffice/core';
import { WebSocket } from 'ws';
import { webAddress } from './address.js';
import { Backoff } from './backoff.js';
import { resolveWsOptions, type WsTransportOptions } from './options.js';
import { connectWs, type BrowserSocket } from './ws-client.js';
import { hardLimit, listenWs } from './ws-server.js';

/**
 * JSON-RPC 2.0 over WebSocket: `ws://127.0.0.1:8080/rpc/` (or `wss://` with
 * `tls`), one JSON-RPC message per text message, every call kind on one
 * connection. Browser pages of other origins connect only when listed in
 * `allowOrigins`. On Node this uses the `ws` package; in browsers the
 * `./browser` entry uses the browser's own WebSocket.
 *
 * @example
 * const server = await serve(impl, { listen: ['ws://127.0.0.1:8080/rpc/'], transports: [wsTransport()] });
 * const calc = createClient(Calculator, await connect('ws://127.0.0.1:8080/rpc/', { transports: [wsTransport()] }));
 */
export function wsTransport(options: WsTransportOptions = {}): FrameTransport {
  const o = resolveWsOptions('wsTransport', options);
  const backoff = new Backoff(o.reconnect);
  const tls = o.tls?.ca === undefined ? {} : { ca: o.tls.ca };
  const open = (url: URL): BrowserSocket =>
    new WebSocket(url, { maxPayload: hardLimit(o.maxFrameBytes), perMessageDeflate: false, ...tls }) as unknown as BrowserSocket;
  return {
    schemes: ['ws', 'wss'],
    connect(url, handler) {
      webAddress(url);
      return connectWs(url, handler, open, o, backoff);
    },
    listen: (url, accept) => listenWs(url, accept, o),
  };
}
