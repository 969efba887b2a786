/** One side's view of a slot: the ring it writes, the ring it reads, its own doorbell and its peer's. */
import { Doorbell } from './doorbell.js';
import { H, S, type SlotPlace } from './layout.js';
import { RingReader } from './ring-reader.js';
import { RingWriter } from './ring-writer.js';

export interface SlotEnds {
  readonly writer: RingWriter;
  readonly reader: RingReader;
  /** The doorbell this side sleeps on (the server's is in the header, shared by all its slots). */
  readonly ownBell: Doorbell;
  readonly peerBell: Doorbell;
}

export function slotEnds(buffer: ArrayBuffer, place: SlotPlace, side: 'client' | 'server', maxFrameBytes: number): SlotEnds {
  const words = new Uint32Array(buffer);
  const bytes = Buffer.from(buffer);
  const server = new Doorbell(buffer, words, H.serverBell, H.serverSleeping);
  const client = new Doorbell(buffer, words, place.at(S.clientBell), place.at(S.clientSleeping));
  const [out, into] = side === 'client' ? [place.request, place.response] : [place.response, place.request];
  return {
    writer: new RingWriter(words, bytes, out),
    reader: new RingReader(words, bytes, into, maxFrameBytes),
    ownBell: side === 'client' ? client : server,
    peerBell: side === 'client' ? server : client,
  };
}
