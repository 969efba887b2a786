/** The gRPC transport's options, and their defaults. */
import type { ChannelOptions } from '@grpc/grpc-js';
import {
  resolveTransportOptions,
  type ResolvedTransportOptions,
  type TlsOptions,
  type TransportOptions,
} from '@interoffice/core';

/** TLS for `grpcs://` URLs: core's {@link TlsOptions}, as every transport takes them. */
export type GrpcTlsOptions = TlsOptions;

/**
 * Options of {@link grpcTransport}. `maxFrameBytes` (16 MiB) is the largest
 * protobuf message sent or received, either way.
 */
export interface GrpcTransportOptions extends TransportOptions {
  /** TLS for `grpcs://` URLs (both sides). */
  tls?: GrpcTlsOptions;
  /**
   * @deprecated The old name of `maxFrameBytes` (whose default was 4 MiB; it
   * is 16 MiB now). Still read, with a warning, until version 0.3.
   */
  maxMessageBytes?: number;
  /** How long `connect` waits for the server before UNAVAILABLE, in ms (5,000). */
  connectTimeout?: number;
  /**
   * Server: calls one client connection may have open at once — HTTP/2's
   * SETTINGS_MAX_CONCURRENT_STREAMS (100). gRPC clients queue calls beyond it
   * on their side rather than failing them.
   */
  maxConcurrentStreams?: number;
  /**
   * Server: calls of the services running at once, over all connections of
   * one listening URL (1,000); a call beyond it fails at once with
   * RESOURCE_EXHAUSTED, and the server keeps serving the others.
   */
  maxCallsInFlight?: number;
  /** Serve `grpc.health.v1.Health` (true). */
  health?: boolean;
  /**
   * Serve gRPC server reflection (true): anyone who can call the server can
   * list its services and read their .proto descriptors. Calls by name (the
   * CLI, `rawCall`) need it.
   */
  reflection?: boolean;
  /** More grpc-js channel and server options (`grpc.keepalive_time_ms`, …); these win over the ones above. */
  grpcOptions?: ChannelOptions;
}

/** The options with their defaults applied. */
export interface GrpcOptions extends ResolvedTransportOptions {
  readonly tls: GrpcTlsOptions | undefined;
  readonly connectTimeout: number;
  readonly maxCallsInFlight: number;
  readonly health: boolean;
  readonly reflection: boolean;
  /** What grpc-js is given, on a channel and on a server. */
  readonly grpcOptions: ChannelOptions;
}

/** HTTP/2 counts streams in 31 bits; a setting holds 32. */
const MAX_STREAMS = 2 ** 32 - 1;

function whole(name: string, value: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new TypeError(`grpcTransport: ${name} must be a whole number from 1 to ${max} (got ${String(value)})`);
  }
  return value;
}

export function resolveOptions(o: GrpcTransportOptions): GrpcOptions {
  if (o.maxMessageBytes !== undefined && o.maxFrameBytes !== undefined && o.maxMessageBytes !== o.maxFrameBytes) {
    throw new TypeError('grpcTransport: maxMessageBytes is the old name of maxFrameBytes; give only maxFrameBytes');
  }
  const base = resolveTransportOptions('grpcTransport', { ...o, maxFrameBytes: o.maxFrameBytes ?? o.maxMessageBytes });
  if (o.maxMessageBytes !== undefined)
    base.logger.warn('grpcTransport: maxMessageBytes is deprecated and goes in 0.3; use maxFrameBytes');
  return {
    ...base,
    tls: o.tls,
    connectTimeout: whole('connectTimeout', o.connectTimeout ?? 5000),
    maxCallsInFlight: whole('maxCallsInFlight', o.maxCallsInFlight ?? 1000),
    health: o.health ?? true,
    reflection: o.reflection ?? true,
    grpcOptions: {
      'grpc.max_send_message_length': base.maxFrameBytes,
      'grpc.max_receive_message_length': base.maxFrameBytes,
      'grpc.max_concurrent_streams': whole('maxConcurrentStreams', o.maxConcurrentStreams ?? 100, MAX_STREAMS),
      ...o.grpcOptions,
    },
  };
}
