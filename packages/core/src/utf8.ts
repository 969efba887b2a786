/**
 * UTF-8 and base64 without Node's Buffer, for code that also runs in
 * browsers (the client path): Buffer's native routines where they exist,
 * else portable ones (exported for tests).
 */

const NodeBuffer = (globalThis as { Buffer?: typeof Buffer }).Buffer;

/** The UTF-8 length of `text` in bytes (a lone surrogate counts 3, as its replacement character does). */
export const utf8Length: (text: string) => number =
  NodeBuffer !== undefined ? (text) => NodeBuffer.byteLength(text) : portableUtf8Length;

/** Base64 of `data` (standard alphabet, padded). */
export const toBase64: (data: Uint8Array) => string =
  NodeBuffer !== undefined
    ? (data) => NodeBuffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64')
    : portableToBase64;

/** The bytes of base64 `text` (already checked to be base64). */
export const fromBase64: (text: string) => Uint8Array<ArrayBuffer> =
  NodeBuffer !== undefined ? (text) => new Uint8Array(NodeBuffer.from(text, 'base64')) : portableFromBase64;

/** @internal {@link utf8Length} without Buffer. */
export function portableUtf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4; // a surrogate pair: one code point of four bytes
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** @internal {@link toBase64} without Buffer. */
export function portableToBase64(data: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < data.length; i += 0x8000) binary += String.fromCharCode(...data.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** @internal {@link fromBase64} without Buffer. */
export function portableFromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
