/**
 * Errors ↔ gRPC status: the canonical code is the status code (core's
 * grpcStatus table), the message is the status message, and what gRPC has
 * no place for — the error's class name, details and own fields — travels as JSON in
 * the `interoffice-error-bin` trailer.
 */
import { Metadata as GrpcMetadata, status as Status, type StatusObject } from '@grpc/grpc-js';
import {
  codeFromGrpcStatus,
  errorFields,
  rebuildError,
  grpcStatus,
  type ChannelCall,
  type ErrorClass,
  type Metadata,
  RpcError,
} from '@interoffice/core';
import { ERROR_KEY, fromGrpcMetadata, isEmpty, toGrpcMetadata } from './metadata.js';

/** What a server handler fails a call with (grpc-js reads these members). */
export interface StatusError {
  code: number;
  details: string;
  metadata: GrpcMetadata;
}

/** An RpcError (and the response metadata) as a gRPC status. */
export function toStatus(error: RpcError, meta: Metadata | undefined): StatusError {
  const metadata = new GrpcMetadata();
  try {
    toGrpcMetadata(meta, metadata);
  } catch {
    // response metadata gRPC cannot carry is dropped rather than hiding the error
  }
  const extra: { name?: string; details?: unknown; fields?: Record<string, unknown> } = {};
  if (error.name !== 'RpcError' && error.name !== 'Error') extra.name = error.name;
  if (error.details !== undefined) extra.details = error.details;
  const fields = errorFields(error);
  if (fields !== undefined) extra.fields = fields;
  if (Object.keys(extra).length > 0) metadata.set(ERROR_KEY, Buffer.from(JSON.stringify(extra)));
  return { code: grpcStatus[error.code], details: error.message, metadata };
}

/**
 * A gRPC status (from any server, Interoffice or not) as an RpcError: of a
 * declared class when the trailer names one. `headers` are the response's
 * initial metadata, merged with the trailers into the error's `meta`.
 */
export function fromStatus(
  status: Pick<StatusObject, 'code' | 'details' | 'metadata'>,
  headers: Metadata | undefined,
  classes: ReadonlyMap<string, ErrorClass> | undefined,
): RpcError {
  const code = codeFromGrpcStatus(status.code);
  let extra: { name?: unknown; details?: unknown; fields?: unknown } = {};
  const raw = status.metadata?.get(ERROR_KEY)[0];
  if (Buffer.isBuffer(raw)) {
    try {
      const parsed: unknown = JSON.parse(raw.toString('utf8'));
      if (typeof parsed === 'object' && parsed !== null) extra = parsed;
    } catch {
      // a peer's malformed detail: the status itself still stands
    }
  }
  const meta = fromGrpcMetadata(status.metadata, { ...headers });
  const name = typeof extra.name === 'string' ? extra.name : undefined;
  return rebuildError(classes ?? new Map(), name, code, status.details, { details: extra.details, meta }, extra.fields);
}

/** Client: report the response metadata; return the call's error, or undefined when it succeeded. */
export function settle(call: ChannelCall, s: StatusObject, headers: GrpcMetadata | undefined): RpcError | undefined {
  if (s.code !== Status.OK) {
    // grpc-js's own deadline text ('Deadline exceeded after 0.098s,name resolution: …') reads as core's on every transport.
    if (s.code === Status.DEADLINE_EXCEEDED && s.details.startsWith('Deadline exceeded after'))
      return new RpcError('DEADLINE_EXCEEDED', 'deadline exceeded waiting for the response');
    const e = fromStatus(s, headers && fromGrpcMetadata(headers), call.errors);
    if (!isEmpty(e.meta)) call.onResponseMeta?.(e.meta);
    return e;
  }
  if (call.onResponseMeta === undefined) return undefined; // nobody asked: skip converting (most calls)
  const meta = fromGrpcMetadata(s.metadata, fromGrpcMetadata(headers));
  if (!isEmpty(meta)) call.onResponseMeta(meta);
  return undefined;
}
