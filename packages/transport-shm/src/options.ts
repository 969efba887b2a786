/** The transport's options, and the defaults filled in. */
import { resolveTransportOptions, type ResolvedTransportOptions, type TransportOptions } from '@interoffice/core';
import { MAX_RING_BYTES, MAX_SLOTS, MIN_RING_BYTES } from './layout.js';

/** Options of {@link shmTransport}; `maxFrameBytes` (16 MiB) and `logger` (stderr) are every transport's. */
export interface ShmTransportOptions extends TransportOptions {
  /**
   * Microseconds to keep polling the rings after any activity before sleeping
   * in a futex wait (50). Spinning is what makes a round trip take a few
   * microseconds instead of a futex wake-up's tens; it costs up to this much
   * CPU after each burst of messages, and nothing while idle. 0: never spin.
   */
  spinMicros?: number;
  /** Server: data bytes of each ring, one each way per client; a power of two, 4 KiB to 1 GiB (256 KiB). */
  ringBytes?: number;
  /** Server: how many clients may be connected at once (64). */
  maxClients?: number;
  /** Bytes queued for a peer before `send` reports backpressure and a server stops reading its requests (4 MiB). */
  maxBufferedBytes?: number;
}

/** The options with their defaults applied. */
export interface ShmOptions extends ResolvedTransportOptions {
  readonly spinMicros: number;
  readonly ringBytes: number;
  readonly maxClients: number;
  readonly maxBufferedBytes: number;
}

function whole(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`shmTransport: ${name} must be an integer from ${min} to ${max} (got ${value})`);
  }
  return value;
}

export function resolveOptions(o: ShmTransportOptions): ShmOptions {
  const ringBytes = whole('ringBytes', o.ringBytes ?? 256 * 1024, MIN_RING_BYTES, MAX_RING_BYTES);
  if ((ringBytes & (ringBytes - 1)) !== 0) {
    throw new RangeError(`shmTransport: ringBytes must be a power of two (got ${ringBytes})`);
  }
  const spinMicros = o.spinMicros ?? 50;
  if (!(spinMicros >= 0 && spinMicros <= 1_000_000)) {
    throw new RangeError(`shmTransport: spinMicros must be from 0 to 1,000,000 (got ${spinMicros})`);
  }
  return {
    ...resolveTransportOptions('shmTransport', o),
    spinMicros,
    ringBytes,
    maxClients: whole('maxClients', o.maxClients ?? 64, 1, MAX_SLOTS),
    maxBufferedBytes: whole('maxBufferedBytes', o.maxBufferedBytes ?? 4 * 1024 * 1024, 1, Number.MAX_SAFE_INTEGER),
  };
}
