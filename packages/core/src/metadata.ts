/**
 * Call metadata: string keys to string values, like HTTP headers or gRPC
 * metadata. Keys are lower-case by convention (gRPC requires it); binary
 * values travel base64-encoded under a key ending in `-bin`.
 */
import { RpcError } from './error.js';

export type Metadata = Record<string, string>;

/**
 * The most metadata one request or response may carry, keys and values
 * together, in UTF-16 units: 8 KiB, as gRPC's default. More is refused
 * with RESOURCE_EXHAUSTED before anything reads it.
 */
export const MAX_METADATA_SIZE = 8192;

/**
 * Read metadata from untrusted wire data: keeps string values under string
 * keys, drops the rest. Returns `undefined` when nothing usable is there,
 * and an RpcError (RESOURCE_EXHAUSTED) when there is more than
 * {@link MAX_METADATA_SIZE} of it (the counting stops there).
 */
export function metadataFromWire(value: unknown): Metadata | RpcError | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  let out: Metadata | undefined;
  let size = 0;
  for (const key in value) {
    const v: unknown = (value as Record<string, unknown>)[key];
    if (typeof v !== 'string') continue;
    size += key.length + v.length;
    if (size > MAX_METADATA_SIZE) return tooMuchMetadata('metadata');
    (out ??= {})[key] = v;
  }
  return out;
}

/** RESOURCE_EXHAUSTED when `meta` is larger than {@link MAX_METADATA_SIZE}; `what` names it (`request metadata`). */
export function checkMetadataSize(meta: Metadata | undefined, what: string): RpcError | undefined {
  if (meta === undefined) return undefined;
  let size = 0;
  for (const key in meta) size += key.length + (meta[key] as string).length;
  return size > MAX_METADATA_SIZE ? tooMuchMetadata(what) : undefined;
}

function tooMuchMetadata(what: string): RpcError {
  return new RpcError(
    'RESOURCE_EXHAUSTED',
    `${what} exceeds the limit of ${MAX_METADATA_SIZE} characters (keys and values together)`,
  );
}

/** True when the metadata has at least one entry. */
export function hasMetadata(meta: Metadata | undefined): meta is Metadata {
  if (meta === undefined) return false;
  for (const _ in meta) return true;
  return false;
}

/**
 * Metadata a medium carried as message headers (AMQP headers, NATS headers), for
 * `Delivery.meta`: every header with a string value, its name lower-cased, but those whose
 * name starts with one of `reserved` (lower-case; the transport's own and the broker's).
 * Core holds it to {@link MAX_METADATA_SIZE} as it does the envelope's `meta`, which wins
 * where both name a key.
 */
export function metadataFromHeaders(
  headers: Iterable<readonly [string, unknown]>,
  reserved: readonly string[],
): Metadata | undefined {
  let out: Metadata | undefined;
  for (const [name, value] of headers) {
    if (typeof value !== 'string') continue;
    const key = name.toLowerCase();
    if (reserved.some((prefix) => key.startsWith(prefix))) continue;
    (out ??= {})[key] = value;
  }
  return out;
}
