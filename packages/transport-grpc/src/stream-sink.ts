/**
 * The writer of one server stream, which holds the handler back while the
 * client does not read. grpc-js buffers 16 messages per stream, whatever
 * their size: 16 × 1 MiB for a client that reads nothing. So the handler
 * waits when grpc-js's buffer is full, as a Writable says, and also while
 * more than {@link HIGH_BYTES} of large items are written but not yet handed
 * to HTTP/2: at most about that much, or one item, is held per stream.
 */
import type { ServerDuplexStream, ServerWritableStream } from '@grpc/grpc-js';
import type { Departure } from './departure.js';

/** Bytes a stream may hold waiting for HTTP/2's flow-control window before its handler waits. */
export const HIGH_BYTES = 16 * 1024;
/** Items smaller than this are counted by grpc-js's 16 (16 of them fit in HIGH_BYTES), without a callback each. */
const LARGE = HIGH_BYTES / 16;

/** A function that writes one encoded item, returning a promise when the handler should wait. */
export function streamSink(
  call: ServerWritableStream<Buffer, Buffer> | ServerDuplexStream<Buffer, Buffer>,
  gone: Departure,
): (bytes: Buffer) => void | Promise<void> {
  let pending = 0; // bytes of large items not yet handed to HTTP/2
  let resume: (() => void) | undefined;
  const wake = (): void => {
    const r = resume;
    resume = undefined;
    r?.();
  };
  gone.addEventListener('abort', wake); // grpc-js drops a cancelled call's writes without calling back
  let draining = false;
  const drained = (): void => {
    draining = false;
    wake();
  };
  const flushed = (n: number) => (): void => {
    pending -= n;
    if (pending < HIGH_BYTES) wake();
  };
  return (bytes) => {
    let room: boolean;
    if (bytes.length < LARGE) room = call.write(bytes);
    else {
      pending += bytes.length;
      room = call.write(bytes, flushed(bytes.length));
    }
    if ((room && pending < HIGH_BYTES) || gone.aborted) return;
    if (!room && !draining) {
      draining = true;
      call.once('drain', drained);
    }
    return new Promise<void>((resolve) => (resume = resolve));
  };
}
