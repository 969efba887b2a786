/**
 * Redis's clock as seen from here. A request's age is counted on Redis's
 * clock — from the time in its stream entry id to now — so the clocks of
 * the client's and the worker's hosts never matter.
 */
export class RedisClock {
  #offset = 0;
  #rtt = Infinity;

  /** Redis's time now, in milliseconds, as best known. */
  now(): number {
    return Date.now() + this.#offset;
  }

  /**
   * Learn the offset from a TIME reply (`[seconds, microseconds]`) obtained
   * between `sentAt` and `receivedAt` (local ms). A sample with a shorter
   * round trip, or a much later one, replaces the estimate.
   */
  sample(time: unknown, sentAt: number, receivedAt: number): void {
    if (!Array.isArray(time) || time.length < 2) return;
    const redisMs = Number(time[0]) * 1000 + Math.floor(Number(time[1]) / 1000);
    if (!Number.isFinite(redisMs)) return;
    const rtt = receivedAt - sentAt;
    // Older estimates decay, so that a drifting clock is followed.
    this.#rtt = Math.min(this.#rtt + 1, Number.MAX_SAFE_INTEGER);
    if (rtt > this.#rtt) return;
    this.#rtt = rtt;
    this.#offset = redisMs - Math.round((sentAt + receivedAt) / 2);
  }
}

/** The Redis time (ms) at which a stream entry was added: the first part of its id. */
export function entryTime(entryId: string): number {
  const dash = entryId.indexOf('-');
  return Number(dash === -1 ? entryId : entryId.slice(0, dash));
}
