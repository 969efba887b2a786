/**
 * Slots in states the protocol does not allow where they are: a value
 * other than 0–3, `open` or `serverClosed` on a slot with no connection to
 * match, or `free` under a connection the server holds. Only a process that
 * broke the protocol (a bug, or a same-user process writing into the
 * segment) leaves a slot so; left alone, such slots would stay "in use"
 * until the server restarts.
 *
 * The rule (docs/transports/shm.md, "Slots left in other states"): the
 * server closes the connection on such a slot, if it holds one, and takes
 * the slot back once its owner process (the slot's owner_pid and
 * owner_start) is gone, or once it has stayed so {@link STALE_SLOT_MS}.
 * Waiting for a live owner gives a well-behaved client, which leaves
 * within milliseconds of seeing its slot change, the time to leave before
 * its rings are handed to someone else.
 */

/** How long a slot may stay in a state outside the protocol while its owner lives. */
export const STALE_SLOT_MS = 2000;

/** When each slot was first seen in a state outside the protocol, and a timer to look again. */
export class StaleSlots {
  readonly #since = new Map<number, number>();
  readonly #rescan: () => void;
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** `rescan` is called when the oldest such slot is due (the server looks at every slot). */
  constructor(rescan: () => void) {
    this.#rescan = rescan;
  }

  /** Slot `index` is in a state the server expects: forget it. */
  fine(index: number): void {
    if (this.#since.size > 0) this.#since.delete(index);
  }

  /** Whether slot `index` was seen in a state outside the protocol, and not taken back since. */
  has(index: number): boolean {
    return this.#since.has(index);
  }

  /**
   * Slot `index` is in a state outside the protocol: why it is to be taken
   * back now, if it is (its owner is gone, or it has stayed so long enough);
   * otherwise undefined, and the server is asked to look again when it is due.
   * `now` is when the server began looking: the slots of one look are due together.
   */
  due(index: number, now: number, ownerGone: () => boolean): string | undefined {
    const since = this.#since.get(index) ?? now;
    const why = ownerGone() ? 'its owner is gone' : now - since >= STALE_SLOT_MS ? `it stayed so ${STALE_SLOT_MS} ms` : undefined;
    if (why !== undefined) {
      this.#since.delete(index);
      return why;
    }
    this.#since.set(index, since);
    this.#arm(since + STALE_SLOT_MS - now);
    return undefined;
  }

  close(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#since.clear();
  }

  /** Look again in `ms` (the first deadline armed is the earliest: slots seen later are due later). */
  #arm(ms: number): void {
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        this.#rescan();
      },
      Math.max(1, ms),
    );
    this.#timer.unref(); // a server's process is kept alive by what it serves, not by this
  }
}
