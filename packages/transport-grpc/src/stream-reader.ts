/**
 * A grpc-js server stream read with `for await`: items in order, then the end
 * or the error the status brought, after the items that came before it. When
 * the reader falls behind, the stream is paused, and gRPC's flow control
 * holds the server back.
 */
import type { ClientReadableStream, StatusObject } from '@grpc/grpc-js';
import type { RpcError } from '@interoffice/core';

const HIGH = 64;
const LOW = 16;

export class StreamReader implements AsyncIterableIterator<unknown> {
  readonly #stream: ClientReadableStream<Buffer>;
  readonly #items: unknown[] = [];
  #error: unknown;
  #status: StatusObject | undefined;
  #ended = false;
  #done = false;
  #wake: (() => void) | undefined;

  constructor(
    stream: ClientReadableStream<Buffer>,
    decode: (item: Buffer) => unknown,
    /** Turns the status into the stream's error, or undefined for a clean end. */
    settle: (status: StatusObject) => RpcError | undefined,
  ) {
    this.#stream = stream;
    stream.on('data', (bytes: Buffer) => {
      if (this.#done || this.#error !== undefined) return;
      try {
        this.#items.push(decode(bytes));
      } catch (e) {
        this.#error ??= e;
        stream.cancel();
      }
      if (this.#items.length >= HIGH) stream.pause();
      this.#notify();
    });
    stream.on('error', () => {}); // the status carries it
    stream.on('status', (s: StatusObject) => {
      this.#status = s;
      const e = settle(s);
      if (e !== undefined) this.#error ??= e;
      this.#notify();
    });
    // The status may come while items wait in a paused stream: the end is both.
    stream.on('end', () => {
      this.#ended = true;
      this.#notify();
    });
  }

  /** True once the stream has ended or failed (the server knows it is over). */
  get settled(): boolean {
    return this.#status !== undefined;
  }

  #notify(): void {
    const w = this.#wake;
    this.#wake = undefined;
    w?.();
  }

  async next(): Promise<IteratorResult<unknown>> {
    for (;;) {
      if (this.#items.length > 0) {
        const value = this.#items.shift();
        if (this.#items.length <= LOW && this.#stream.isPaused()) this.#stream.resume();
        return { value, done: false };
      }
      if (this.#status !== undefined && this.#ended) {
        this.#done = true;
        if (this.#error !== undefined) {
          const e = this.#error;
          this.#error = undefined;
          throw e;
        }
        return { value: undefined, done: true };
      }
      if (this.#done) return { value: undefined, done: true };
      if (this.#stream.isPaused()) this.#stream.resume();
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }

  async return(): Promise<IteratorResult<unknown>> {
    this.#done = true;
    this.#items.length = 0;
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
