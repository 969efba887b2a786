/**
 * Slots: a client claims a free one under flock(2) on the segment file (the
 * lock Python's fcntl.flock takes too, so peers without atomic
 * compare-and-swap can claim safely); the server frees it once the client
 * has left or died.
 */
import { tryFlock, type Segment } from '@interoffice/native';
import { RpcError } from '@interoffice/core';
import { H, S, ServerState, SlotPlace, SlotState, writeU64 } from './layout.js';
import { ownStart, type Header } from './header.js';

/** How long a client waits for the slot table's lock (held for microseconds at a time). */
const LOCK_WAIT_MS = 2000;

/** Where each slot of a segment with `header` is. */
export function slotPlaces(header: Header): SlotPlace[] {
  const { slotCount, slotsOffset, slotBytes, ringBytes } = header;
  return Array.from({ length: slotCount }, (_, i) => new SlotPlace(slotsOffset, slotBytes, ringBytes, i));
}

/** Zero a slot's words after its state (owner, doorbell, ring indices): ready to be claimed, or just claimed. */
export function resetSlot(words: Uint32Array, place: SlotPlace): void {
  for (let field = S.ownerPid; field < S.data; field += 4) Atomics.store(words, place.at(field) >> 2, 0);
}

async function lock(fd: number, url: URL): Promise<void> {
  const until = Date.now() + LOCK_WAIT_MS;
  while (!tryFlock(fd, 'exclusive')) {
    if (Date.now() > until) throw new RpcError('UNAVAILABLE', `the slot table of ${url.href} stays locked`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

/**
 * Claim a free slot for this process. RESOURCE_EXHAUSTED when all are taken;
 * UNAVAILABLE when the server closed meanwhile.
 */
export async function claimSlot(segment: Segment, header: Header, url: URL): Promise<SlotPlace> {
  const words = new Uint32Array(segment.buffer);
  await lock(segment.fd, url);
  let claimed: SlotPlace | undefined;
  try {
    for (const place of slotPlaces(header)) {
      if (Atomics.load(words, place.at(S.state) >> 2) !== SlotState.free) continue;
      resetSlot(words, place);
      words[place.at(S.ownerPid) >> 2] = process.pid;
      writeU64(words, place.at(S.ownerStart), ownStart);
      Atomics.store(words, place.at(S.state) >> 2, SlotState.open);
      claimed = place;
      break;
    }
  } finally {
    tryFlock(segment.fd, 'unlock');
  }
  if (claimed === undefined) {
    throw new RpcError('RESOURCE_EXHAUSTED', `all ${header.slotCount} connections of ${url.href} are in use`);
  }
  // Checked after the claim is visible: a server closing now either sees the claim or is seen closed.
  if (Atomics.load(words, H.state >> 2) !== ServerState.ready) {
    Atomics.store(words, claimed.at(S.state) >> 2, SlotState.clientClosed);
    throw new RpcError('UNAVAILABLE', `the server at ${url.href} has closed`);
  }
  return claimed;
}
