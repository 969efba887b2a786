/** A request body, read up to the frame limit. */
import type { IncomingMessage } from 'node:http';

/** How many bytes of an oversized body core gets, to read its id from. */
const HEAD_BYTES = 256;

export type Body = { readonly text: string } | { readonly tooLarge: number; readonly head: string };

/** The whole body as text, or — past `max` bytes — its size so far and its first bytes (reading stops). */
export function readBody(req: IncomingMessage, max: number): Promise<Body> {
  // Declared too large: only its first bytes are read (the rest is discarded; the connection closes after the answer).
  const declared = Number(req.headers['content-length']);
  const limit = declared > max ? HEAD_BYTES : max;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const tooLarge = (bytes: number): void => {
      req.off('data', onData);
      req.resume();
      resolve({ tooLarge: bytes, head: Buffer.concat(chunks).subarray(0, HEAD_BYTES).toString('utf8') });
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      chunks.push(chunk);
      if (size > limit) tooLarge(declared > max ? declared : size);
    };
    req.on('data', onData);
    req.once('end', () => {
      if (declared > max) return tooLarge(declared);
      resolve({ text: (chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)).toString('utf8') });
    });
    req.once('error', reject);
  });
}
