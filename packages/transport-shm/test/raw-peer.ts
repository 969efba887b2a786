/**
 * A client that speaks the ring protocol by hand, with no poller: it writes
 * what it is told and reads only when asked, to be a peer that misbehaves.
 */
import { openSegment, type Segment } from '@interoffice/native';
import { Doorbell } from '../src/doorbell.js';
import { H, S, SlotState, type SlotPlace } from '../src/layout.js';
import { RingReader } from '../src/ring-reader.js';
import { RingWriter } from '../src/ring-writer.js';
import { readHeader } from '../src/header.js';
import { claimSlot } from '../src/slots.js';

export class RawPeer {
  readonly words: Uint32Array;
  readonly writer: RingWriter;
  readonly reader: RingReader;
  readonly serverBell: Doorbell;

  private constructor(
    readonly segment: Segment,
    readonly place: SlotPlace,
  ) {
    this.words = new Uint32Array(segment.buffer);
    const bytes = Buffer.from(segment.buffer);
    this.writer = new RingWriter(this.words, bytes, place.request);
    this.reader = new RingReader(this.words, bytes, place.response, 64 * 1024 * 1024);
    this.serverBell = new Doorbell(segment.buffer, this.words, H.serverBell, H.serverSleeping);
  }

  static async open(url: string): Promise<RawPeer> {
    const segment = openSegment(`interoffice-${new URL(url).host}`);
    const place = await claimSlot(segment, readHeader(new Uint32Array(segment.buffer)), new URL(url));
    const peer = new RawPeer(segment, place);
    peer.serverBell.knock(); // "I am here"
    return peer;
  }

  /** Write frames (queued bytes are not kept: the ring must have room). */
  send(...frames: string[]): void {
    for (const f of frames) if (!this.writer.tryWrite(f)) throw new Error('the request ring is full');
    this.serverBell.knock();
  }

  /** Frames that have arrived, parsed; waits up to `ms` for at least `n`. */
  async receive(n: number, ms = 3000): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    const until = Date.now() + ms;
    while (out.length < n) {
      const f = this.reader.next(() => this.serverBell.ring());
      if (typeof f === 'string') out.push(JSON.parse(f) as Record<string, unknown>);
      else if (Date.now() > until) throw new Error(`${out.length} of ${n} frames within ${ms} ms`);
      else await new Promise((r) => setTimeout(r, 1));
    }
    return out;
  }

  slotState(): number {
    return Atomics.load(this.words, this.place.at(S.state) >> 2);
  }

  close(): void {
    Atomics.store(this.words, this.place.at(S.state) >> 2, SlotState.clientClosed);
    this.serverBell.knock();
    this.segment.close();
  }
}
