/** TLS for `tls://` URLs: a server's context, a client's connection, and their errors in our terms. */
import { connect as tlsConnect, createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { isIP, type Server } from 'node:net';
import { RpcError } from '@interoffice/core';
import type { SocketOptions } from './options.js';

const pem = (v: string | Uint8Array | undefined): string | Buffer | undefined =>
  v === undefined || typeof v === 'string' ? v : Buffer.from(v);

export function tlsServer(url: URL, o: SocketOptions): Server {
  const { cert, key, ca, requireClientCert = false } = o.tls ?? {};
  if (cert === undefined || key === undefined) throw new TypeError(`${url.href}: a tls:// server needs tls.cert and tls.key`);
  if (requireClientCert && ca === undefined) throw new TypeError(`${url.href}: mutual TLS (requireClientCert) needs tls.ca`);
  return createTlsServer({
    cert: pem(cert),
    key: pem(key),
    ca: pem(ca),
    requestCert: requireClientCert,
    rejectUnauthorized: requireClientCert,
  });
}

/** Dial `host:port` with TLS; the server's certificate is checked against `tls.ca` (or the system's roots). */
export function dialTls(host: string, port: number, url: URL, o: SocketOptions): Promise<TLSSocket> {
  const { ca, cert, key, serverName } = o.tls ?? {};
  if ((cert === undefined) !== (key === undefined)) throw new TypeError('tls.cert and tls.key go together (mutual TLS)');
  const servername = serverName ?? (isIP(host) === 0 ? host : undefined);
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({
      host,
      port,
      ca: pem(ca),
      cert: pem(cert),
      key: pem(key),
      ...(servername === undefined ? {} : { servername }),
    });
    socket.once('error', (e: NodeJS.ErrnoException) => reject(tlsError(url, e)));
    socket.once('secureConnect', () => {
      socket.removeAllListeners('error');
      resolve(socket);
    });
  });
}

/** A failed TLS dial: the server not trusted (UNAUTHENTICATED), or not reached (UNAVAILABLE). */
function tlsError(url: URL, e: NodeJS.ErrnoException): RpcError {
  const code = e.code ?? '';
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT' || code === 'ECONNRESET') {
    return new RpcError('UNAVAILABLE', `cannot connect to ${url.href}: ${code}`, { cause: e });
  }
  if (/CERT|SIGNATURE|ISSUER|ALTNAME|SELF_SIGNED/.test(code)) {
    return new RpcError('UNAUTHENTICATED', `${url.href}: the server's certificate is not trusted (${code}: ${e.message})`, {
      cause: e,
    });
  }
  return new RpcError('UNAVAILABLE', `cannot connect to ${url.href} over TLS: ${code || e.message}`, { cause: e });
}
