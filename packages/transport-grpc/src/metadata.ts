/**
 * Core metadata (string → string) ↔ gRPC Metadata. gRPC carries text values
 * only as printable ASCII, so other text travels as UTF-8 bytes under
 * `<key>-utf8-bin`; `-bin` keys (base64 text in core) are bytes on gRPC.
 */
import { Metadata as GrpcMetadata } from '@grpc/grpc-js';
import { RpcError, type Metadata } from '@interoffice/core';

/** Suffix of keys whose text value is not ASCII: its UTF-8 bytes. */
export const UTF8_SUFFIX = '-utf8-bin';

/** Where a call's error carries its class name and details: JSON, in the trailers. */
export const ERROR_KEY = 'interoffice-error-bin';

// Headers of HTTP/2 and gRPC itself, never shown as call metadata.
const reserved = new Set([
  'content-type',
  'user-agent',
  'te',
  'date',
  'accept-encoding',
  'content-encoding',
  'content-length',
  ERROR_KEY,
]);

const printable = /^[\x20-\x7e]*$/;
const validKey = /^[0-9a-z_.-]+$/;

/** Core metadata → gRPC metadata; INVALID_ARGUMENT for a key gRPC cannot carry. */
export function toGrpcMetadata(meta: Metadata | undefined, into = new GrpcMetadata()): GrpcMetadata {
  if (meta === undefined) return into;
  for (const [rawKey, value] of Object.entries(meta)) {
    if (typeof value !== 'string') continue;
    const key = rawKey.toLowerCase();
    if (!validKey.test(key) || key.startsWith('grpc-') || reserved.has(key)) {
      throw new RpcError(
        'INVALID_ARGUMENT',
        `metadata key ${JSON.stringify(rawKey)} cannot travel on gRPC (use lower-case letters, digits, "-", "_" and ".")`,
      );
    }
    if (key.endsWith('-bin')) into.add(key, Buffer.from(value, 'base64'));
    else if (printable.test(value)) into.add(key, value);
    else into.add(`${key}${UTF8_SUFFIX}`, Buffer.from(value, 'utf8'));
  }
  return into;
}

/** gRPC metadata → core metadata, leaving out gRPC's and HTTP/2's own headers. */
export function fromGrpcMetadata(md: GrpcMetadata | undefined, into: Metadata = {}): Metadata {
  if (md === undefined) return into;
  for (const [key, value] of Object.entries(md.getMap())) {
    if (key.startsWith('grpc-') || key.startsWith(':') || reserved.has(key)) continue;
    if (key.endsWith(UTF8_SUFFIX) && Buffer.isBuffer(value)) into[key.slice(0, -UTF8_SUFFIX.length)] = value.toString('utf8');
    else into[key] = Buffer.isBuffer(value) ? value.toString('base64') : value;
  }
  return into;
}

/** True when the metadata has at least one entry. */
export function isEmpty(meta: Metadata): boolean {
  for (const _ in meta) return false;
  return true;
}
