/**
 * Endpoint URLs of the socket transport, and what `net` needs for each:
 * `unix:///tmp/calc.sock`, `tcp://127.0.0.1:7070`, `tls://127.0.0.1:7070` (TCP with
 * TLS), `npipe:///calc` (Windows).
 */

/** Where to listen or connect, in `net`'s terms. */
export type SocketAddress =
  | { kind: 'unix'; path: string }
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'tls'; host: string; port: number }
  | { kind: 'npipe'; path: string };

/** Linux's sun_path holds 108 bytes including the terminating NUL. */
const MAX_UNIX_PATH = 107;

export function socketAddress(url: URL): SocketAddress {
  switch (url.protocol) {
    case 'unix:': {
      if (url.host !== '' && url.host !== '.') {
        throw new TypeError(`unix URLs take a path, as in unix:///tmp/calc.sock (got ${url.href})`);
      }
      const path = decodeURIComponent(url.host + url.pathname);
      if (path === '' || path === '/') throw new TypeError(`unix URL without a path: ${url.href}`);
      if (Buffer.byteLength(path) > MAX_UNIX_PATH) {
        throw new TypeError(`unix socket path is ${Buffer.byteLength(path)} bytes; the limit is ${MAX_UNIX_PATH}: ${path}`);
      }
      return { kind: 'unix', path };
    }
    case 'tcp:':
    case 'tls:': {
      const kind = url.protocol === 'tls:' ? ('tls' as const) : ('tcp' as const);
      if (url.port === '') throw new TypeError(`${kind} URLs need a port, as in ${kind}://127.0.0.1:7070 (got ${url.href})`);
      const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
      return { kind, host, port: Number(url.port) };
    }
    case 'npipe:': {
      const name = decodeURIComponent(url.pathname).replace(/^\/+/, '');
      if (name === '') throw new TypeError(`npipe URLs name a pipe, as in npipe:///calc (got ${url.href})`);
      return { kind: 'npipe', path: `\\\\.\\pipe\\${name.replaceAll('/', '\\')}` };
    }
    default:
      throw new TypeError(`not a socket URL: ${url.href}`);
  }
}

/**
 * A TCP endpoint as URL text, the same from both ends of a connection (the
 * handshake compares them): IPv4-mapped IPv6 and zone ids are dropped.
 */
export function tcpName(host = '', port = 0, scheme: 'tcp' | 'tls' = 'tcp'): string {
  const h = host.replace(/^::ffff:(?=\d+\.)/i, '').replace(/%.*$/, '');
  return `${scheme}://${h.includes(':') ? `[${h}]` : h}:${port}`;
}

/** Whether `host` is a loopback address: serving beyond it unprotected deserves a warning. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}
