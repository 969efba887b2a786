/** Reading the header, and deciding whether it can be trusted. */
import { readlinkSync } from 'node:fs';
import { processStartTime } from '@interoffice/native';
import { H, HEADER_BYTES, MAX_RING_BYTES, MAX_SLOTS, MIN_RING_BYTES, readU64, segmentBytes, slotBytes } from './layout.js';

/** What the header says. */
export interface Header {
  readonly version: number;
  readonly serverPid: number;
  readonly serverStart: number;
  readonly state: number;
  readonly slotCount: number;
  readonly ringBytes: number;
  readonly slotBytes: number;
  readonly slotsOffset: number;
  readonly maxFrameBytes: number;
  readonly serverPidNs: number;
}

/** This process's start time, as peers check it. */
export const ownStart: number = processStartTime(process.pid) ?? 0;

/** This process's PID namespace (the inode in `pid:[4026531836]`), 0 if unknown. */
export const ownPidNs: number = (() => {
  try {
    return Number(/\[(\d+)\]/.exec(readlinkSync('/proc/self/ns/pid'))?.[1] ?? 0);
  } catch {
    return 0;
  }
})();

/** Whether PIDs in a header written in namespace `ns` can be checked from here. */
export function samePidNs(ns: number): boolean {
  return ns === 0 || ownPidNs === 0 || ns === ownPidNs;
}

export function readHeader(words: Uint32Array): Header {
  const w = (offset: number): number => Atomics.load(words, offset >> 2);
  return {
    version: w(H.version),
    serverPid: w(H.serverPid),
    serverStart: readU64(words, H.serverStart),
    state: w(H.state),
    slotCount: w(H.slotCount),
    ringBytes: w(H.ringBytes),
    slotBytes: w(H.slotBytes),
    slotsOffset: w(H.slotsOffset),
    maxFrameBytes: w(H.maxFrameBytes),
    serverPidNs: readU64(words, H.serverPidNs),
  };
}

/** Why a header cannot be trusted for a file of `size` bytes, if it cannot. */
export function unsound(h: Header, size: number): string | undefined {
  const power = h.ringBytes > 0 && (h.ringBytes & (h.ringBytes - 1)) === 0;
  if (!power || h.ringBytes < MIN_RING_BYTES || h.ringBytes > MAX_RING_BYTES) return `ring size ${h.ringBytes}`;
  if (h.slotCount < 1 || h.slotCount > MAX_SLOTS) return `slot count ${h.slotCount}`;
  if (h.slotBytes !== slotBytes(h.ringBytes) || h.slotsOffset !== HEADER_BYTES) return 'slot layout';
  if (segmentBytes(h.slotCount, h.ringBytes) > size) return `size ${size}`;
  return undefined;
}
