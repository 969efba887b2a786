/**
 * The credentials an address and the `tls` option make: plain text for
 * `grpc://`, TLS (mutual TLS with `requireClientCert`) for `grpcs://`.
 */
import { ChannelCredentials, ServerCredentials, type ChannelOptions } from '@grpc/grpc-js';
import type { GrpcAddress } from './address.js';
import type { GrpcOptions } from './options.js';

const buf = (v: string | Uint8Array | undefined): Buffer | null => (v === undefined ? null : Buffer.from(v));

export function serverCredentials(url: URL, address: GrpcAddress, o: GrpcOptions): ServerCredentials {
  if (!address.tls) return ServerCredentials.createInsecure();
  const { cert, key, ca, requireClientCert = false } = o.tls ?? {};
  if (cert === undefined || key === undefined) throw new TypeError(`${url.href}: a grpcs:// server needs tls.cert and tls.key`);
  if (requireClientCert && ca === undefined) throw new TypeError(`${url.href}: mutual TLS (requireClientCert) needs tls.ca`);
  return ServerCredentials.createSsl(
    buf(ca),
    [{ cert_chain: Buffer.from(cert), private_key: Buffer.from(key) }],
    requireClientCert,
  );
}

export function channelCredentials(address: GrpcAddress, o: GrpcOptions): ChannelCredentials {
  if (!address.tls) return ChannelCredentials.createInsecure();
  const { ca, cert, key } = o.tls ?? {};
  if ((cert === undefined) !== (key === undefined)) throw new TypeError('tls.cert and tls.key go together (mutual TLS)');
  return ChannelCredentials.createSsl(buf(ca), buf(key), buf(cert));
}

/** Channel options for a client (with the TLS name to check, when set). */
export function channelOptions(o: GrpcOptions): ChannelOptions {
  const name = o.tls?.serverName;
  return name === undefined
    ? o.grpcOptions
    : { 'grpc.ssl_target_name_override': name, 'grpc.default_authority': name, ...o.grpcOptions };
}
