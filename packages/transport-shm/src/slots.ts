/**
 * Slots: a client claims a free one under flock(2) on the segment file (the
 * lock Python's fcntl.flock takes too, so peers without atomic
 * compare-and-swap can claim safely); the server frees it once the client
 * has left or died (or a process broke the protocol on it: slot-table.ts).
 */
import { tryFlock, type Segment } from '@interoffice/native';
import { RpcError } from '@interoffice/core';
import { Doorbell } from './doorbell.js';
import { H, S, ServerState, SlotPlace, SlotState, writeU64 } from './layout.js';
import { ownStart, type Header } from './header.js';

/** How long a client waits for the slot table's lock (held for microseconds at a time). */
const LOCK_WAIT_MS = 2000;

/** How long a client that finds every slot taken waits for the server to free one. */
const FULL_WAIT_MS = 100;

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

/** Take the first free slot for this process, under the slot table's lock; undefined when none is free. */
async function claimFree(segment: Segment, header: Header, url: URL): Promise<SlotPlace | undefined> {
  const words = new Uint32Array(segment.buffer);
  await lock(segment.fd, url);
  try {
    for (const place of slotPlaces(header)) {
      if (Atomics.load(words, place.at(S.state) >> 2) !== SlotState.free) continue;
      resetSlot(words, place);
      words[place.at(S.ownerPid) >> 2] = process.pid;
      writeU64(words, place.at(S.ownerStart), ownStart);
      Atomics.store(words, place.at(S.state) >> 2, SlotState.open);
      return place;
    }
    return undefined;
  } finally {
    tryFlock(segment.fd, 'unlock');
  }
}

/**
 * Claim a free slot for this process. When none is, ring the server — it
 * frees the slots of clients that are gone, and of processes that broke the
 * protocol, when it looks — and look again for up to {@link FULL_WAIT_MS}.
 * RESOURCE_EXHAUSTED when all stay taken; UNAVAILABLE when the server closed
 * meanwhile.
 */
export async function claimSlot(segment: Segment, header: Header, url: URL): Promise<SlotPlace> {
  const words = new Uint32Array(segment.buffer);
  let claimed = await claimFree(segment, header, url);
  if (claimed === undefined) {
    new Doorbell(segment.buffer, words, H.serverBell, H.serverSleeping).knock();
    for (const until = Date.now() + FULL_WAIT_MS; claimed === undefined && Date.now() < until; ) {
      await new Promise((r) => setTimeout(r, 2));
      claimed = await claimFree(segment, header, url);
    }
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
