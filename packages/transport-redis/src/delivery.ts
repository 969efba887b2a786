/**
 * One request entry a worker took from the stream, as core's delivery:
 * its frame goes to core, and core's answers come back here — a stream
 * item is pushed to the client's reply list, the final answer (or none)
 * is committed: stored under the entry's idempotency key, pushed and
 * acknowledged at once. An entry core abandons (the worker is closing)
 * stays pending, for another worker to take.
 */
import type { Answer, Delivery, Peer } from '@interoffice/core';

/** What a delivery needs from its worker. */
export interface DeliveryContext {
  /** Push stream item number `n` (1, 2, …) to the client, marking the entry's stream started (for `mark` ms, when > 0); false when the client is behind. */
  push(d: RedisDelivery, text: string, n: number, mark: number): boolean;
  /** Commit the entry with its final answer (`''`: none), kept `keep` ms under its idempotency key. */
  commit(d: RedisDelivery, text: string, keep: number): void;
  /** Core gave the entry up without an answer: leave it pending. */
  release(d: RedisDelivery): void;
  readonly resultTtlMs: number;
}

export class RedisDelivery implements Delivery {
  readonly peer: Peer;
  /** Stream items pushed for it. */
  #items = 0;

  constructor(
    /** The stream entry id, `<ms>-<seq>`: also the idempotency key. */
    readonly entryId: string,
    /** The calling client's id. */
    readonly caller: string,
    readonly body: string,
    readonly waitedMs: number,
    readonly tooLarge: number | undefined,
    private readonly ctx: DeliveryContext,
  ) {
    this.peer = { transport: 'redis', address: caller };
  }

  item(answer: Answer): boolean {
    const n = ++this.#items;
    const mark = n === 1 ? keepFor(answer.deadline, this.ctx.resultTtlMs) : 0;
    return this.ctx.push(this, answer.text, n, mark);
  }

  end(answer: Answer | undefined): void {
    if (answer === undefined) this.ctx.commit(this, '', 0);
    else this.ctx.commit(this, answer.text, keepFor(answer.deadline, this.ctx.resultTtlMs));
  }

  abandon(): void {
    this.ctx.release(this);
  }
}

/**
 * How long to keep an entry's final answer (or its started mark): until its
 * caller's deadline — a copy redelivered later would be answered
 * DEADLINE_EXCEEDED, never run — but at least 1 s and at most `resultTtlMs`. 0: keep nothing.
 */
export function keepFor(deadline: number, resultTtlMs: number): number {
  if (resultTtlMs === 0) return 0;
  if (deadline === Infinity) return resultTtlMs;
  return Math.min(resultTtlMs, Math.max(1000, Math.ceil(deadline - Date.now())));
}
