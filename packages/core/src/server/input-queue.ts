/**
 * The handler's end of a stream of inputs: inputs pushed as they arrive
 * (each already validated), pulled by the handler's `for await`. It grants
 * the caller credit for `window` inputs at first and again as the handler
 * takes them, so a handler that reads slowly holds the caller back: at most
 * `window` inputs wait here. One sent beyond the credit fails the call.
 */
import { RpcError } from '../error.js';

export class InputQueue implements AsyncIterableIterator<unknown> {
  #items: unknown[] = [];
  #waiter: { resolve(r: IteratorResult<unknown>): void; reject(e: unknown): void } | undefined;
  #ended = false;
  #error: unknown;
  #taken = 0;
  /** Inputs the caller may still send before it hears of more credit. */
  #credit: number;

  constructor(
    readonly window: number,
    /** Tell the caller it may send `n` more. */
    private readonly grant: (n: number) => void,
  ) {
    this.#credit = window;
  }

  /** One input arrived; false when it came beyond the credit granted (the caller ignores flow control). */
  push(item: unknown): boolean {
    if (this.#ended) return true;
    if (this.#credit <= 0) return false;
    this.#credit--;
    const w = this.#waiter;
    if (w !== undefined) {
      this.#waiter = undefined;
      this.#took();
      w.resolve({ value: item, done: false });
    } else this.#items.push(item);
    return true;
  }

  /** The caller sent its last input. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    const w = this.#waiter;
    this.#waiter = undefined;
    w?.resolve({ value: undefined, done: true });
  }

  /** The call stopped (cancelled, failed, timed out): a handler waiting for inputs hears why. */
  fail(error: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#error = error;
    this.#items = [];
    const w = this.#waiter;
    this.#waiter = undefined;
    w?.reject(error);
  }

  next(): Promise<IteratorResult<unknown>> {
    if (this.#items.length > 0) {
      this.#took();
      return Promise.resolve({ value: this.#items.shift(), done: false });
    }
    if (this.#error !== undefined) return Promise.reject(this.#error);
    if (this.#ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  /** The handler stopped reading: inputs still coming are dropped. */
  return(): Promise<IteratorResult<unknown>> {
    this.#ended = true;
    this.#items = [];
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** The handler took one: once it has taken half a window, grant that much again. */
  #took(): void {
    if (++this.#taken < Math.max(1, this.window >> 1)) return;
    const n = this.#taken;
    this.#taken = 0;
    this.#credit += n;
    this.grant(n);
  }
}

export const beyondCredit = (): RpcError =>
  new RpcError('RESOURCE_EXHAUSTED', 'an input came beyond the credit the server granted (see rpc.input in docs/protocol.md)');
