/**
 * Refused handshakes, logged without flooding the log: the first refusal of
 * each cause from each peer at once, then the rest as one count a minute.
 */
import type { Logger } from '@interoffice/core';
import type { Refusal } from './handshake.js';

/** Peer and cause pairs logged one by one per interval; beyond them, refusals are only counted. */
const MAX_NAMED = 32;

export class RefusalLog {
  readonly #named = new Set<string>();
  #counts = new Map<string, number>();
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly where: string,
    readonly logger: Logger,
    readonly intervalMs = 60_000,
  ) {}

  /** `peer` groups refusals (an IP address; one group for a unix socket); `from` is logged. */
  refused(peer: string, from: string, why: Refusal): void {
    const key = `${peer} ${why.kind}`;
    if (!this.#named.has(key) && this.#named.size < MAX_NAMED) {
      this.#named.add(key);
      this.logger.warn(`refused ${from} on ${this.where}: ${why.message}`);
    } else {
      this.#counts.set(why.kind, (this.#counts.get(why.kind) ?? 0) + 1);
    }
    this.#timer ??= setTimeout(() => this.flush(), this.intervalMs).unref();
  }

  /** Log the count of refusals not logged one by one, and start afresh. */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#named.clear();
    if (this.#counts.size === 0) return;
    const counts = [...this.#counts];
    this.#counts = new Map();
    const total = counts.reduce((sum, [, n]) => sum + n, 0);
    this.logger.warn(`refused ${total} more handshakes on ${this.where} (${counts.map(([k, n]) => `${k}: ${n}`).join(', ')})`);
  }
}
