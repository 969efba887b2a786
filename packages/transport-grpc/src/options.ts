/**
 * The transport's options, its URLs (`grpc://host:port` in plain text,
 * `grpcs://host:port` over TLS) and the credentials they make.
 */
import { ChannelCredentials, ServerCredentials, type ChannelOptions } from '@grpc/grpc-js';
import { stderrLogger, type Logger } from '@interoffice/core';

/** TLS material, PEM-encoded. */
export interface GrpcTlsOptions {
  /**
   * Certificates to trust: on a client, the server's CA (the system's roots
   * when absent); on a server, the CA of client certificates (mutual TLS).
   */
  ca?: string | Buffer;
  /** This side's certificate chain: always on a server; on a client, for mutual TLS. */
  cert?: string | Buffer;
  /** The private key of `cert`. */
  key?: string | Buffer;
  /** Server: refuse clients without a certificate signed by `ca` (mutual TLS). */
  requireClientCert?: boolean;
  /** Client: the name the server's certificate must carry (the URL's host by default). */
  serverName?: string;
}

/** Options of {@link grpcTransport}. */
export interface GrpcTransportOptions {
  /** TLS for `grpcs://` URLs (both sides). */
  tls?: GrpcTlsOptions;
  /** Largest message sent or received, in bytes (4 MiB, gRPC's default). */
  maxMessageBytes?: number;
  /** How long `connect` waits for the server before UNAVAILABLE, in ms (5,000). */
  connectTimeout?: number;
  /** Serve `grpc.health.v1.Health` (true). */
  health?: boolean;
  /** Serve gRPC server reflection (true): stock tools and the CLI list and call through it. */
  reflection?: boolean;
  /** More grpc-js channel and server options (`grpc.keepalive_time_ms`, …); these win. */
  grpcOptions?: ChannelOptions;
  /** Where the server reports what callers must not see (stderr). */
  logger?: Logger;
}

/** The options with their defaults filled in. */
export interface Settings {
  readonly tls: GrpcTlsOptions | undefined;
  readonly maxMessageBytes: number;
  readonly connectTimeout: number;
  readonly health: boolean;
  readonly reflection: boolean;
  readonly grpcOptions: ChannelOptions;
  readonly logger: Logger;
}

export function settings(options: GrpcTransportOptions): Settings {
  const maxMessageBytes = options.maxMessageBytes ?? 4 * 1024 * 1024;
  return {
    tls: options.tls,
    maxMessageBytes,
    connectTimeout: options.connectTimeout ?? 5000,
    health: options.health ?? true,
    reflection: options.reflection ?? true,
    grpcOptions: {
      'grpc.max_send_message_length': maxMessageBytes,
      'grpc.max_receive_message_length': maxMessageBytes,
      ...options.grpcOptions,
    },
    logger: options.logger ?? stderrLogger,
  };
}

/** `grpc://127.0.0.1:50051` → `127.0.0.1:50051`, checking the form. */
export function targetOf(url: URL): string {
  if (url.port === '' || url.pathname.replace(/\/$/, '') !== '' || url.search !== '') {
    throw new TypeError(`a gRPC endpoint is ${url.protocol}//host:port (port 0 to listen on any), got ${url.href}`);
  }
  return url.host;
}

const isTls = (url: URL): boolean => url.protocol === 'grpcs:';

export function serverCredentials(url: URL, s: Settings): ServerCredentials {
  if (!isTls(url)) return ServerCredentials.createInsecure();
  const { cert, key, ca, requireClientCert = false } = s.tls ?? {};
  if (cert === undefined || key === undefined) throw new TypeError(`${url.href}: a grpcs:// server needs tls.cert and tls.key`);
  if (requireClientCert && ca === undefined) throw new TypeError(`${url.href}: mutual TLS (requireClientCert) needs tls.ca`);
  return ServerCredentials.createSsl(ca === undefined ? null : Buffer.from(ca), [{ cert_chain: Buffer.from(cert), private_key: Buffer.from(key) }], requireClientCert);
}

export function channelCredentials(url: URL, s: Settings): ChannelCredentials {
  if (!isTls(url)) return ChannelCredentials.createInsecure();
  const { ca, cert, key } = s.tls ?? {};
  if ((cert === undefined) !== (key === undefined)) throw new TypeError('tls.cert and tls.key go together (mutual TLS)');
  const buf = (v: string | Buffer | undefined): Buffer | null => (v === undefined ? null : Buffer.from(v));
  return ChannelCredentials.createSsl(buf(ca), buf(key), buf(cert));
}

/** Channel options for a client of `url` (the TLS name to check, when set). */
export function clientOptions(s: Settings): ChannelOptions {
  const name = s.tls?.serverName;
  return name === undefined ? s.grpcOptions : { 'grpc.ssl_target_name_override': name, 'grpc.default_authority': name, ...s.grpcOptions };
}
