/**
 * The gRPC transport: a call transport (core's `CallTransport`) on
 * @grpc/grpc-js. It maps core's call model onto gRPC — deadline, metadata,
 * status, server streams, cancellation — rather than carrying the envelope,
 * so stock gRPC clients and servers in any language are its peers.
 */
import type { CallTransport } from '@interoffice/core';
import { grpcAddress } from './address.js';
import { connectChannel } from './client.js';
import { resolveOptions, type GrpcTransportOptions } from './options.js';
import { listenGrpc } from './server.js';

/**
 * The gRPC transport, for `grpc://host:port` (plain text) and
 * `grpcs://host:port` (TLS; mutual TLS with `tls.requireClientCert`).
 *
 * @example
 * const transports = [grpcTransport()];
 * await serve(implement(Calculator, handlers), { listen: ['grpc://127.0.0.1:50051'], transports });
 * const calc = createClient(Calculator, await connect('grpc://127.0.0.1:50051', { transports }));
 */
export function grpcTransport(options: GrpcTransportOptions = {}): CallTransport {
  const o = resolveOptions(options);
  return {
    kind: 'calls',
    schemes: ['grpc', 'grpcs'],
    connect: async (url, how) => connectChannel(url, grpcAddress(url), o, how?.lazy === true, how?.keepalive),
    listen: async (url, dispatcher) => listenGrpc(url, grpcAddress(url), dispatcher, o),
  };
}
