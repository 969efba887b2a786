/**
 * A doorbell: a counter word that one side sleeps on (futex), and a flag
 * saying it sleeps. Wakers ring only a sleeper, so while both sides spin a
 * message costs no system call:
 *
 *   waker:   publish (store head) · if sleeping: clear it, bump the bell, FUTEX_WAKE
 *   sleeper: sleeping = 1 · look again · (a waiter thread, always in FUTEX_WAIT
 *            on the bell, reports each change of its value)
 *
 * Both sides store before they load, with sequentially consistent Atomics, so
 * either the sleeper sees the message or the waker sees the flag.
 */
import { futexWake } from '@interoffice/native';

export class Doorbell {
  readonly #buffer: ArrayBuffer;
  readonly #words: Uint32Array;
  readonly #bell: number;
  readonly #sleeping: number;

  /** `bell` and `sleeping` are byte offsets in `buffer`. */
  constructor(buffer: ArrayBuffer, words: Uint32Array, bell: number, sleeping: number) {
    this.#buffer = buffer;
    this.#words = words;
    this.#bell = bell;
    this.#sleeping = sleeping;
  }

  /** The bell's byte offset, for a waiter. */
  get offset(): number {
    return this.#bell;
  }

  /** Wake the owner if it sleeps (after publishing what it should see). Costs one load when it does not. */
  ring(): void {
    const i = this.#sleeping >> 2;
    if (Atomics.load(this.#words, i) === 0 || Atomics.exchange(this.#words, i, 0) === 0) return;
    Atomics.add(this.#words, this.#bell >> 2, 1);
    futexWake(this.#buffer, this.#bell, 1);
  }

  /** Wake the owner whatever it is doing: for rare events (connect, close) it must notice while spinning too. */
  knock(): void {
    Atomics.add(this.#words, this.#bell >> 2, 1);
    futexWake(this.#buffer, this.#bell, 1);
  }

  /** The owner: say whether it sleeps. */
  setSleeping(on: boolean): void {
    Atomics.store(this.#words, this.#sleeping >> 2, on ? 1 : 0);
  }
}
