/** An HTTP endpoint of its own: a node:http (or https) server bound to the URL's host and port. */
import { createServer as createHttpServer, type Server as NodeServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { RpcError, type Listener, type MessageServer } from '@interoffice/core';
import { isLoopback, webAddress } from './address.js';
import type { ResolvedWebOptions } from './options.js';
import type { HttpDelivery } from './delivery.js';
import { requestHandler } from './request-handler.js';

export async function listenHttp(url: URL, server: MessageServer, o: ResolvedWebOptions): Promise<Listener> {
  const a = webAddress(url);
  let closing = false;
  const open = new Set<HttpDelivery>();
  const handle = requestHandler(a.path, a.secure, () => (closing ? undefined : server), o, open);
  const node: NodeServer = a.secure ? createHttpsServer(tlsOf(url, o)) : createHttpServer();
  node.on('request', (req, res) => handle(req, res));
  await new Promise<void>((resolve, reject) => {
    node.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        new RpcError(e.code === 'EADDRINUSE' ? 'ALREADY_EXISTS' : 'UNAVAILABLE', `cannot listen on ${url.href}: ${e.message}`),
      ),
    );
    node.listen(a.port, a.host, () => resolve());
  });
  if (!a.secure && !isLoopback(a.host)) {
    o.logger.warn(`${url.href}: serving unencrypted beyond this machine; use https:// with tls options`);
  }
  const port = (node.address() as { port: number }).port;
  const bound = new URL(url.href);
  bound.port = String(port);
  return {
    url: bound,
    async close() {
      closing = true; // requests still arriving on kept-alive connections get 503
      const done = new Promise<void>((resolve) => node.close(() => resolve()));
      node.closeIdleConnections();
      // Once core has ended every delivery, no answer is left to send on any connection.
      while (open.size > 0) await new Promise((r) => setTimeout(r, 10));
      node.closeAllConnections();
      await done;
    },
  };
}

function tlsOf(url: URL, o: ResolvedWebOptions): { key: string | Buffer; cert: string | Buffer } {
  const { key, cert } = o.tls ?? {};
  if (key === undefined || cert === undefined) {
    throw new RpcError('INVALID_ARGUMENT', `${url.href}: https:// needs the transport's tls.key and tls.cert`);
  }
  return { key, cert };
}
