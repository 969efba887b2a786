/** A look at a live segment from outside: who serves it and who is connected (diagnostics, the bench). */
import { openSegment } from '@interoffice/native';
import { segmentName } from './address.js';
import { H, MAGIC, S, ServerState, SlotState } from './layout.js';
import { readHeader, unsound } from './header.js';
import { slotPlaces } from './slots.js';

/** What {@link inspectShm} reports. */
export interface ShmSegmentInfo {
  /** The segment's file. */
  readonly path: string;
  readonly serverPid: number;
  /** Whether the server still takes new clients. */
  readonly open: boolean;
  readonly ringBytes: number;
  readonly maxClients: number;
  /** PIDs of the connected clients, one per connection. */
  readonly clientPids: readonly number[];
  /** Slots not free: the connections, and those closed by one side whose other side has not left yet. */
  readonly slotsInUse: number;
}

/** Read the segment of `url` (`shm://calc`) without connecting. */
export function inspectShm(url: string | URL): ShmSegmentInfo {
  const segment = openSegment(segmentName(new URL(url)));
  try {
    const words = new Uint32Array(segment.buffer);
    if (words[H.magic >> 2] !== MAGIC) throw new Error(`${segment.path} is not an Interoffice segment`);
    const header = readHeader(words);
    const why = unsound(header, segment.buffer.byteLength);
    if (why !== undefined) throw new Error(`${segment.path} has an unsound header (${why})`);
    const states = slotPlaces(header).map((p) => ({
      state: Atomics.load(words, p.at(S.state) >> 2),
      pid: words[p.at(S.ownerPid) >> 2] as number,
    }));
    const clientPids = states.filter((s) => s.state === SlotState.open).map((s) => s.pid);
    return {
      path: segment.path,
      serverPid: header.serverPid,
      open: header.state === ServerState.ready,
      ringBytes: header.ringBytes,
      maxClients: header.slotCount,
      clientPids,
      slotsInUse: states.filter((s) => s.state !== SlotState.free).length,
    };
  } finally {
    segment.close();
  }
}
