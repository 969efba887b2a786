/** Options of the HTTP and WebSocket transports, on core's shared base. */
import { resolveTransportOptions, type ResolvedTransportOptions, type TransportOptions } from '@interoffice/core';

/** Certificates for `https://` and `wss://` (PEM). */
export interface WebTlsOptions {
  /** Server: its key and certificate. */
  readonly key?: string | Buffer;
  readonly cert?: string | Buffer;
  /** Client: the authorities it trusts beyond Node's own (a server of your own CA). */
  readonly ca?: string | Buffer;
}

export interface WebTransportOptions extends TransportOptions {
  /**
   * Web pages of these origins may call (`https://app.example`; `'*'`: any). A request with
   * no `Origin` (curl, Python, servers) or from the endpoint's own origin always may; any
   * other browser origin is refused (403; for WebSocket, the handshake). Default: none.
   */
  allowOrigins?: readonly string[];
  tls?: WebTlsOptions;
}

export interface ResolvedWebOptions extends ResolvedTransportOptions {
  readonly allowOrigins: ReadonlySet<string>;
  readonly tls: WebTlsOptions | undefined;
}

export function resolveWebOptions(name: string, o: WebTransportOptions): ResolvedWebOptions {
  const base = resolveTransportOptions(name, o);
  const origins = o.allowOrigins ?? [];
  if (
    !Array.isArray(origins) ||
    origins.some((x) => typeof x !== 'string' || (x !== '*' && !/^[a-z][a-z0-9+.-]*:\/\/[^/]+$/i.test(x)))
  ) {
    throw new TypeError(
      `${name}: allowOrigins must list origins such as 'https://app.example' (scheme and host, no path), or '*'`,
    );
  }
  return { ...base, allowOrigins: new Set(origins.map((x) => x.toLowerCase())), tls: o.tls };
}
