/**
 * What an `http://`, `https://`, `ws://` or `wss://` URL names: a host and
 * port, and the path the endpoint answers at (always ending in `/`:
 * `http://127.0.0.1:8080/rpc` serves `/rpc/`).
 */
import { RpcError } from '@interoffice/core/client';

export interface WebAddress {
  readonly secure: boolean;
  /** As Node's `listen` takes it: no brackets around IPv6. */
  readonly host: string;
  readonly port: number;
  /** The endpoint's path, ending in `/`. */
  readonly path: string;
}

export function webAddress(url: URL): WebAddress {
  const secure = url.protocol === 'https:' || url.protocol === 'wss:';
  if (url.username !== '' || url.password !== '') {
    throw new RpcError('INVALID_ARGUMENT', `${url.protocol}// URLs carry no credentials: ${url.protocol}//…@${url.host}`);
  }
  if (url.search !== '' || url.hash !== '') {
    throw new RpcError('INVALID_ARGUMENT', `${url.href}: an endpoint URL has no query or fragment`);
  }
  const port = url.port === '' ? (secure ? 443 : 80) : Number(url.port);
  const path = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
  return { secure, host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port, path };
}

/** Whether `host` is a loopback address (serving elsewhere unencrypted deserves a warning). */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}
