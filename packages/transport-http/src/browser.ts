/**
 * The web transports' clients for browsers (`@interoffice/transport-http/browser`,
 * and what bundlers pick for browsers): `fetch` for `http(s)://`, the
 * browser's own WebSocket for `ws(s)://`. No Node built-ins; use with
 * `@interoffice/core/client`. Browsers only call: `listen` is refused.
 */
import { RpcError, type FrameTransport, type MessageTransport } from '@interoffice/core/client';
import { webAddress } from './address.js';
import { Backoff } from './backoff.js';
import { HttpClient } from './client.js';
import { fetchExchange } from './fetch-exchange.js';
import { resolveWebOptions, resolveWsOptions, type WebTransportOptions, type WsTransportOptions } from './options.js';
import { connectWs, type BrowserSocket } from './ws-client.js';

const noListening = (): Promise<never> =>
  Promise.reject(new RpcError('UNIMPLEMENTED', 'a browser calls servers; serve from Node with @interoffice/transport-http'));

/** `http://` and `https://` with `fetch`: each call one POST, server streams read from the body as they come. */
export function httpTransport(options: WebTransportOptions = {}): MessageTransport {
  const o = resolveWebOptions('httpTransport', options);
  const exchange = fetchExchange();
  return {
    kind: 'messages',
    schemes: ['http', 'https'],
    maxFrameBytes: o.maxFrameBytes,
    async connect(url, handler) {
      webAddress(url);
      return HttpClient.open(url, exchange, { maxFrameBytes: o.maxFrameBytes, connectTimeoutMs: 5000 }, handler);
    },
    listen: noListening,
  };
}

/** Options of the browser's {@link wsTransport}. */
export interface BrowserWsOptions extends WsTransportOptions {
  /** The WebSocket class (the browser's own). */
  WebSocket?: new (
    url: string,
  ) => BrowserSocket;
}

/** `ws://` and `wss://` with the browser's WebSocket: one connection per channel, every call kind on it. */
export function wsTransport(options: BrowserWsOptions = {}): FrameTransport {
  const o = resolveWsOptions('wsTransport', options);
  const backoff = new Backoff(o.reconnect);
  const Socket = options.WebSocket ?? (globalThis as { WebSocket?: new (url: string) => BrowserSocket }).WebSocket;
  if (Socket === undefined) throw new TypeError('wsTransport: this runtime has no WebSocket (pass options.WebSocket)');
  return {
    schemes: ['ws', 'wss'],
    connect(url, handler) {
      webAddress(url);
      return connectWs(url, handler, (u) => new Socket(u.href), o, backoff);
    },
    listen: noListening,
  };
}

export type { WebTransportOptions, WsTransportOptions, ReconnectOptions } from './options.js';
