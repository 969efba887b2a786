/** The socket transport's options, and their defaults. */
import {
  atLeast,
  resolveTransportOptions,
  type ResolvedTransportOptions,
  type TlsOptions,
  type TransportOptions,
} from '@interoffice/core';

/** Options of {@link socketTransport}. */
export interface SocketTransportOptions extends TransportOptions {
  /**
   * A shared key: each side proves it knows it (HMAC-SHA256, bound to both
   * nonces and the server's address) before any frame is processed. Both
   * ends need the same key; use a random one (32 bytes or more).
   */
  authKey?: string | Uint8Array;
  /** Bytes queued for a peer before writes report backpressure and a server stops reading (4 MiB). */
  maxBufferedBytes?: number;
  /** Milliseconds allowed for the authentication handshake (5,000). */
  handshakeTimeoutMs?: number;
  /**
   * Clients of `unix:` sockets: the uid that must own the socket file, or
   * `'any'`. By default this process's own user; a socket of root's is
   * always accepted.
   */
  expectOwner?: number | 'any';
  /**
   * Keyed clients: accept a server that proves the key for another address
   * than the one dialed — a port forward or a proxy, but also a relay (false).
   */
  allowForwarding?: boolean;
  /** TLS for `tls://` URLs: a server's `cert` and `key`; a client's `ca`; both, for mutual TLS. */
  tls?: TlsOptions;
}

/** The options with their defaults applied. */
export interface SocketOptions extends ResolvedTransportOptions {
  readonly key: Buffer | undefined;
  readonly maxBufferedBytes: number;
  readonly handshakeTimeoutMs: number;
  /** undefined: no check (Windows, or `'any'`). */
  readonly expectOwner: number | undefined;
  readonly allowForwarding: boolean;
  readonly tls: TlsOptions | undefined;
}

const positive = (name: string, value: number): number => atLeast('socketTransport', name, value, 1, true);

export function resolveOptions(o: SocketTransportOptions): SocketOptions {
  const key = o.authKey === undefined ? undefined : Buffer.from(o.authKey);
  if (key !== undefined && key.length === 0) throw new TypeError('socketTransport: authKey must not be empty');
  const owner = o.expectOwner ?? process.geteuid?.();
  if (owner !== undefined && owner !== 'any' && !(Number.isSafeInteger(owner) && owner >= 0)) {
    throw new TypeError(`socketTransport: expectOwner must be a uid or 'any' (got ${String(owner)})`);
  }
  return {
    ...resolveTransportOptions('socketTransport', o),
    key,
    maxBufferedBytes: positive('maxBufferedBytes', o.maxBufferedBytes ?? 4 * 1024 * 1024),
    handshakeTimeoutMs: positive('handshakeTimeoutMs', o.handshakeTimeoutMs ?? 5000),
    expectOwner: owner === 'any' ? undefined : owner,
    allowForwarding: o.allowForwarding ?? false,
    tls: o.tls,
  };
}
