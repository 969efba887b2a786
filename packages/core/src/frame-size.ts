import { RpcError } from './error.js';
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
