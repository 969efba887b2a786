/**
 * One entry of the shared file a server took up, as core's delivery: what
 * core answers is queued for the entry (outbox.ts) and written with the
 * next cycle.
 */
import type { Answer, Delivery, Peer, RequestRecord } from '@interoffice/core';

/** What a delivery needs from its server. */
export interface DeliveryContext {
  item(d: FileDelivery, answer: Answer): boolean;
  end(d: FileDelivery, answer: Answer | undefined): void;
  abandon(d: FileDelivery): void;
}

export class FileDelivery implements Delivery {
  /** The file counts a call's time from when the server reads its entry. */
  readonly waitedMs = 0;

  constructor(
    /** The entry's key (a call entry's id for core). */
    readonly key: string,
    readonly caller: string,
    readonly peer: Peer,
    readonly body: string | RequestRecord,
    /** A `frame` entry: a message as text, answered in `replies`. */
    readonly frame: boolean,
    readonly tooLarge: number | undefined,
    private readonly ctx: DeliveryContext,
  ) {}

  item(answer: Answer): boolean {
    return this.ctx.item(this, answer);
  }

  end(answer: Answer | undefined): void {
    this.ctx.end(this, answer);
  }

  abandon(): void {
    this.ctx.abandon(this);
  }
}
