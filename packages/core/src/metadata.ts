/**
 * Call metadata: string keys to string values, like HTTP headers or gRPC
 * metadata. Keys are lower-case by convention (gRPC requires it); binary
 * values travel base64-encoded under a key ending in `-bin`.
 */
export type Metadata = Record<string, string>;

/**
 * Read metadata from untrusted wire data: keeps string values under string
 * keys, drops the rest. Returns `undefined` when nothing usable is there.
 */
export function metadataFromWire(value: unknown): Metadata | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  let out: Metadata | undefined;
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string') continue;
    (out ??= {})[key] = v;
  }
  return out;
}

/** True when the metadata has at least one entry. */
export function hasMetadata(meta: Metadata | undefined): meta is Metadata {
  if (meta === undefined) return false;
  for (const _ in meta) return true;
  return false;
}
