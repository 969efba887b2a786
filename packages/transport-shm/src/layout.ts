/**
 * The segment's memory layout, version 1: a header, then one slot per client
 * connection, each holding a pair of single-producer/single-consumer rings.
 * docs/transports/shm.md#wire-format is the normative description; this file is
 * its code. All fields are little-endian; words written by different sides
 * sit on different 64-byte cache lines.
 */

/** "IOSM" as bytes: 49 4F 53 4D. */
export const MAGIC = 0x4d534f49;
export const VERSION = 1;

/** Byte offsets of the header's fields. */
export const H = {
  magic: 0,
  version: 4,
  /** The server's PID, and its start time (u64, clock ticks since boot: /proc/<pid>/stat field 22). */
  serverPid: 8,
  serverStart: 16,
  /** {@link ServerState}. */
  state: 24,
  slotCount: 28,
  /** Data bytes of each ring (a power of two). */
  ringBytes: 32,
  /** Bytes from one slot to the next. */
  slotBytes: 36,
  /** Where slot 0 starts. */
  slotsOffset: 40,
  /** The server's frame limit (advisory: frames above it are refused). */
  maxFrameBytes: 44,
  /** The server's PID namespace (u64: the inode of /proc/<pid>/ns/pid; 0 if unknown): PIDs mean something only within it. */
  serverPidNs: 48,
  /** The server's doorbell: bumped (and futex-woken) by clients, waited on by the server. */
  serverBell: 64,
  /** 1 while the server sleeps (or is about to) on its doorbell. */
  serverSleeping: 68,
  /** 1 + the CPU the server last ran on, 0 if unknown (advisory: a spinning client yields to a server on its CPU). */
  serverCpu: 128,
} as const;

export const HEADER_BYTES = 256;

/** The header's `state`. */
export const ServerState = { ready: 1, closed: 2 } as const;

/** Byte offsets inside a slot. */
export const S = {
  /** {@link SlotState}. */
  state: 0,
  /** The client's PID and start time (u64), as in the header. */
  ownerPid: 4,
  ownerStart: 8,
  /** 1 + the CPU the client last ran on, 0 if unknown (advisory, as the header's serverCpu). */
  clientCpu: 16,
  /** The client's doorbell and sleeping flag. */
  clientBell: 64,
  clientSleeping: 68,
  /** Request ring (client → server): head and writer-waiting are the client's, tail the server's. */
  requestHead: 128,
  requestWaiting: 132,
  requestTail: 192,
  /** Response ring (server → client). */
  responseHead: 256,
  responseWaiting: 260,
  responseTail: 320,
  /** Request data, then response data, `ringBytes` each. */
  data: 384,
} as const;

/** A slot's `state`. */
export const SlotState = {
  free: 0,
  /** Claimed by a client: connected. */
  open: 1,
  /** The client left; the server frees the slot. */
  clientClosed: 2,
  /** The server closed the connection; the client leaves, then the server frees it. */
  serverClosed: 3,
} as const;

/** Ring records: a u32 header (bit 31: more chunks follow; bits 0–30: length), the bytes, padding to 4. */
export const MORE = 0x80000000;
export const RECORD_HEADER = 4;

export const MIN_RING_BYTES = 4096;
export const MAX_RING_BYTES = 1 << 30;
export const MAX_SLOTS = 4096;

/** Bytes of one slot for rings of `ringBytes`. */
export function slotBytes(ringBytes: number): number {
  return S.data + 2 * ringBytes;
}

/** Bytes of a whole segment. */
export function segmentBytes(slots: number, ringBytes: number): number {
  return HEADER_BYTES + slots * slotBytes(ringBytes);
}

/** One ring's place in the segment: byte offsets of its words and data. */
export interface RingPlace {
  readonly head: number;
  readonly waiting: number;
  readonly tail: number;
  readonly data: number;
  readonly size: number;
}

/** Where slot `i`'s fields and rings are. */
export class SlotPlace {
  readonly base: number;
  readonly request: RingPlace;
  readonly response: RingPlace;

  constructor(
    slotsOffset: number,
    stride: number,
    ringBytes: number,
    readonly index: number,
  ) {
    const b = slotsOffset + index * stride;
    this.base = b;
    this.request = {
      head: b + S.requestHead,
      waiting: b + S.requestWaiting,
      tail: b + S.requestTail,
      data: b + S.data,
      size: ringBytes,
    };
    this.response = {
      head: b + S.responseHead,
      waiting: b + S.responseWaiting,
      tail: b + S.responseTail,
      data: b + S.data + ringBytes,
      size: ringBytes,
    };
  }

  /** Byte offset of field `field` (an `S` offset). */
  at(field: number): number {
    return this.base + field;
  }
}

/** Read a u64 field (written once, before anyone else reads it) as a number. */
export function readU64(words: Uint32Array, offset: number): number {
  return (words[offset >> 2] as number) + (words[(offset >> 2) + 1] as number) * 2 ** 32;
}

export function writeU64(words: Uint32Array, offset: number, value: number): void {
  words[offset >> 2] = value % 2 ** 32;
  words[(offset >> 2) + 1] = Math.floor(value / 2 ** 32);
}
