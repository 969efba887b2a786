/** Options of the HTTP and WebSocket transports, on core's shared base. */
import { atLeast, resolveTransportOptions, type ResolvedTransportOptions, type TransportOptions } from '@interoffice/core/client';

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

/** How a WebSocket client comes back after failing to reach its server. */
export interface ReconnectOptions {
  /** Milliseconds before another attempt after the first failure (100). */
  initialDelayMs?: number;
  /** The longest wait between attempts (5,000); each failure doubles it, with ±20% jitter. */
  maxDelayMs?: number;
}

/** Options of {@link wsTransport}. */
export interface WsTransportOptions extends WebTransportOptions {
  /** Bytes queued for a peer before sends report backpressure and a server stops reading it (4 MiB). */
  maxBufferedBytes?: number;
  /** Milliseconds between pings (Node, both sides); a peer that misses one is dropped (30,000; 0: none). */
  heartbeatMs?: number;
  /** Milliseconds a client waits for the handshake (5,000). */
  connectTimeoutMs?: number;
  /** Backoff between attempts to reach a server that is down. */
  reconnect?: ReconnectOptions;
}

export interface ResolvedWsOptions extends ResolvedWebOptions {
  readonly maxBufferedBytes: number;
  readonly heartbeatMs: number;
  readonly connectTimeoutMs: number;
  readonly reconnect: Required<ReconnectOptions>;
}

export function resolveWsOptions(name: string, o: WsTransportOptions): ResolvedWsOptions {
  const initialDelayMs = atLeast(name, 'reconnect.initialDelayMs', o.reconnect?.initialDelayMs ?? 100, 1);
  return {
    ...resolveWebOptions(name, o),
    maxBufferedBytes: atLeast(name, 'maxBufferedBytes', o.maxBufferedBytes ?? 4 * 1024 * 1024, 1),
    heartbeatMs: o.heartbeatMs === 0 ? 0 : atLeast(name, 'heartbeatMs', o.heartbeatMs ?? 30_000, 10),
    connectTimeoutMs: atLeast(name, 'connectTimeoutMs', o.connectTimeoutMs ?? 5000, 1),
    reconnect: {
      initialDelayMs,
      maxDelayMs: atLeast(name, 'reconnect.maxDelayMs', o.reconnect?.maxDelayMs ?? 5000, initialDelayMs),
    },
  };
}
