/** The `http://` / `https://` transport: a message medium where each request is one HTTP exchange. */
import type { MessageTransport } from '@interoffice/core';
import { webAddress } from './address.js';
import { HttpClient } from './client.js';
import { nodeExchange } from './node-exchange.js';
import { resolveWebOptions, type WebTransportOptions } from './options.js';
import { listenHttp } from './server.js';

/**
 * JSON-RPC 2.0 over HTTP: `http://127.0.0.1:8080/rpc/` takes POSTs at
 * `/rpc/` (one call or a batch; server streams answer NDJSON lines), plus a
 * route per method (`POST /rpc/Calculator.add` with `{"a":2,"b":5}`; `GET`
 * for methods marked `noSideEffects`) and `/rpc/openapi.json`.
 *
 * @example
 * const server = await serve(impl, { listen: ['http://127.0.0.1:8080/rpc/'], transports: [httpTransport()] });
 * const calc = createClient(Calculator, await connect('http://127.0.0.1:8080/rpc/', { transports: [httpTransport()] }));
 */
export function httpTransport(options: WebTransportOptions = {}): MessageTransport {
  const o = resolveWebOptions('httpTransport', options);
  const { exchange } = nodeExchange(o.tls, 256);
  return {
    kind: 'messages',
    schemes: ['http', 'https'],
    maxFrameBytes: o.maxFrameBytes,
    async connect(url, handler) {
      webAddress(url); // the URL's checks, now rather than at the first call
      return HttpClient.open(url, exchange, { maxFrameBytes: o.maxFrameBytes, connectTimeoutMs: 5000 }, handler);
    },
    listen: (url, server) => listenHttp(url, server, o),
  };
}
