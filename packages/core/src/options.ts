/**
 * The options every transport takes, with one default and one validation:
 * each transport's own options extend {@link TransportOptions} and resolve
 * these through {@link resolveTransportOptions}.
 */
import { stderrLogger, type Logger } from './logger.js';

/** The frame limit every transport has unless told otherwise: 16 MiB. */
export const DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;

/** Options shared by every transport. */
export interface TransportOptions {
  /**
   * Largest frame (one message, or a batch; on gRPC one message) in UTF-8
   * bytes, either way (16 MiB). A larger request is refused with
   * RESOURCE_EXHAUSTED and the server keeps serving.
   */
  maxFrameBytes?: number;
  /** Where the transport reports what no caller can be told: refused peers, lost media (stderr). */
  logger?: Logger;
}

/** TLS for a transport's `…s://` URLs (`tls://`, `grpcs://`), both sides, PEM text or bytes. */
export interface TlsOptions {
  /**
   * Certificates to trust: on a client, the server's CA (the system's roots
   * when absent); on a server, the CA of client certificates (mutual TLS).
   */
  ca?: string | Uint8Array;
  /** This side's certificate chain: always on a server; on a client, for mutual TLS. */
  cert?: string | Uint8Array;
  /** The private key of `cert`. */
  key?: string | Uint8Array;
  /** Server: refuse clients without a certificate signed by `ca` (mutual TLS). */
  requireClientCert?: boolean;
  /** Client: the name the server's certificate must carry (the URL's host by default). */
  serverName?: string;
}

/** {@link TransportOptions} with their defaults applied. */
export interface ResolvedTransportOptions {
  readonly maxFrameBytes: number;
  readonly logger: Logger;
}

/**
 * Apply the defaults and check the values, naming the transport in the
 * error (`socketTransport: maxFrameBytes must be ...`).
 */
export function resolveTransportOptions(transport: string, options: TransportOptions): ResolvedTransportOptions {
  const maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  if (!Number.isSafeInteger(maxFrameBytes) || maxFrameBytes < 64) {
    throw new TypeError(
      `${transport}: maxFrameBytes must be a whole number of bytes ≥ 64 (got ${String(options.maxFrameBytes)})`,
    );
  }
  const logger = options.logger ?? stderrLogger;
  if (typeof logger.warn !== 'function' || typeof logger.error !== 'function') {
    throw new TypeError(`${transport}: logger must have warn and error methods`);
  }
  return { maxFrameBytes, logger };
}

/**
 * An option's value when it is a number ≥ `min` (a whole one when `whole`); else a TypeError
 * naming its owner: `natsTransport: livenessMs must be a number ≥ 50 (got 0)`.
 */
export function atLeast(owner: string, name: string, value: number, min: number, whole = false): number {
  if (!(whole ? Number.isSafeInteger(value) : Number.isFinite(value)) || value < min)
    throw new TypeError(`${owner}: ${name} must be a ${whole ? 'whole ' : ''}number ≥ ${min} (got ${String(value)})`);
  return value;
}
