import { RpcError } from './error.js';
import type { Delivery, MessageHandler } from './transport.js';
import { utf8Length } from './utf8.js';

/**
 * RESOURCE_EXHAUSTED when `frame` is over `max` UTF-8 bytes, else undefined.
 * Counting bytes is linear, so it is skipped when even 3 bytes per UTF-16
 * unit would fit.
 */
export function frameTooLarge(frame: string, max: number, what: string): RpcError | undefined {
  if (frame.length * 3 <= max) return undefined;
  const bytes = utf8Length(frame);
  if (bytes <= max) return undefined;
  return new RpcError('RESOURCE_EXHAUSTED', `${what} of ${bytes} bytes exceeds the frame limit of ${max} bytes`);
}

/** How many bytes of a message over the frame limit core is given, to read its id from. */
export const FRAME_HEAD_BYTES = 256;

const decoder = new TextDecoder();

/**
 * A message a medium received as bytes, as a {@link Delivery}'s `body` and
 * `tooLarge`: its text when within `max` bytes, else its first bytes and its size.
 */
export function messageBody(bytes: Uint8Array, max: number): { body: string; tooLarge: number | undefined } {
  if (bytes.length <= max) return { body: decoder.decode(bytes), tooLarge: undefined };
  return { body: decoder.decode(bytes.subarray(0, FRAME_HEAD_BYTES)), tooLarge: bytes.length };
}

/** An answer a medium received as bytes, handed to core: whole when within `max` bytes, else as oversized. */
export function takeAnswer(handler: MessageHandler, bytes: Uint8Array, max: number): void {
  if (bytes.length <= max) handler.response(decoder.decode(bytes));
  else handler.oversized(bytes.length, decoder.decode(bytes.subarray(0, FRAME_HEAD_BYTES)));
}
