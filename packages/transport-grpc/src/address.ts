/**
 * Endpoint URLs of the gRPC transport: `grpc://host:port` (HTTP/2 in plain
 * text) and `grpcs://host:port` (over TLS), and what grpc-js needs of them.
 */

/** Where to listen or connect, in grpc-js's terms. */
export interface GrpcAddress {
  /** `host:port`, as grpc-js takes it (`127.0.0.1:50051`, `[::1]:50051`). */
  readonly target: string;
  /** True for `grpcs://`: TLS, with the credentials of the transport's `tls` option. */
  readonly tls: boolean;
}

/** `grpc://127.0.0.1:50051` → `{ target: '127.0.0.1:50051', tls: false }`, checking the form. */
export function grpcAddress(url: URL): GrpcAddress {
  if (url.protocol !== 'grpc:' && url.protocol !== 'grpcs:') {
    throw new TypeError(`a gRPC endpoint is grpc://host:port or grpcs://host:port, got ${url.href}`);
  }
  if (
    url.port === '' ||
    url.pathname.replace(/\/$/, '') !== '' ||
    url.search !== '' ||
    url.hash !== '' ||
    url.username !== '' ||
    url.password !== ''
  ) {
    throw new TypeError(`a gRPC endpoint is ${url.protocol}//host:port (port 0 to listen on any), got ${url.href}`);
  }
  return { target: url.host, tls: url.protocol === 'grpcs:' };
}
