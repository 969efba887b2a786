/**
 * The client's end of a server stream: items pushed as they arrive, pulled
 * by `for await`. Leaving the loop early calls `onReturn` (which tells the
 * server); items that arrived before an error are delivered before it.
 */
export class StreamQueue<T> implements AsyncIterableIterator<T> {
  #items: T[] = [];
  #waiter: { resolve(r: IteratorResult<T>): void; reject(e: unknown): void } | undefined;
  #ended = false;
  #error: unknown = undefined;
  #failed = false;
  readonly #onReturn: () => void;
  /** Called as each item reaches the consumer (the channel grants the server credit from it). */
  onTaken: (() => void) | undefined = undefined;

  constructor(onReturn: () => void) {
    this.#onReturn = onReturn;
  }

  /** True once the stream has ended, failed or been left. */
  get settled(): boolean {
    return this.#ended || this.#failed;
  }

  push(item: T): void {
    if (this.settled) return;
    const w = this.#waiter;
    if (w !== undefined) {
      this.#waiter = undefined;
      this.onTaken?.();
      w.resolve({ value: item, done: false });
    } else {
      this.#items.push(item);
    }
  }

  end(): void {
    if (this.settled) return;
    this.#ended = true;
    const w = this.#waiter;
    this.#waiter = undefined;
    w?.resolve({ value: undefined, done: true });
  }

  fail(error: unknown): void {
    if (this.settled) return;
    this.#failed = true;
    this.#error = error;
    const w = this.#waiter;
    if (w !== undefined) {
      this.#waiter = undefined;
      this.#error = undefined;
      w.reject(error);
    }
  }

  next(): Promise<IteratorResult<T>> {
    if (this.#items.length > 0) {
      this.onTaken?.();
      return Promise.resolve({ value: this.#items.shift() as T, done: false });
    }
    if (this.#failed && this.#error !== undefined) {
      const e = this.#error;
      this.#error = undefined;
      return Promise.reject(e);
    }
    if (this.settled) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<T>> {
    if (!this.settled) {
      this.#ended = true;
      this.#items = [];
      this.#onReturn();
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
