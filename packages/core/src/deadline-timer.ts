/**
 * Deadlines for a table of calls with one timer, not one per call: a call
 * costs a comparison; the timer scans the table when the earliest deadline
 * it knows of comes (at most once a millisecond).
 */
const MAX_DELAY_MS = 2 ** 31 - 1;

export class DeadlineTimer<K, E> {
  readonly #entries: Iterable<readonly [K, E]>;
  readonly #deadlineOf: (entry: E) => number;
  readonly #expire: (key: K, entry: E) => void;
  #at = Infinity;
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** `expire` is called for each entry whose deadline has passed; it should remove it. */
  constructor(entries: Iterable<readonly [K, E]>, deadlineOf: (entry: E) => number, expire: (key: K, entry: E) => void) {
    this.#entries = entries;
    this.#deadlineOf = deadlineOf;
    this.#expire = expire;
  }

  /** An entry with this deadline was added. */
  track(deadline: number): void {
    if (deadline < this.#at) this.#arm(deadline);
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#at = Infinity;
  }

  #arm(at: number): void {
    clearTimeout(this.#timer);
    this.#at = at;
    // Unref'd: a pending call does not keep the process alive; its connection does.
    // setTimeout takes at most 2^31 - 1 ms (about 24.8 days); past that it fires at once.
    // unref where there is one (Node): browsers' timers are numbers, and keep no process alive anyway.
    this.#timer = setTimeout(this.#fire, Math.min(MAX_DELAY_MS, Math.max(1, at - Date.now())));
    (this.#timer as { unref?: () => void }).unref?.();
  }

  readonly #fire = (): void => {
    this.#timer = undefined;
    this.#at = Infinity;
    const now = Date.now();
    let next = Infinity;
    for (const [key, entry] of this.#entries) {
      const deadline = this.#deadlineOf(entry);
      if (deadline <= now) this.#expire(key, entry);
      else if (deadline < next) next = deadline;
    }
    if (next !== Infinity) this.#arm(Math.max(next, now + 1));
  };
}
