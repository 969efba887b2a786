/**
 * The calls of one server's services running at once, with a ceiling
 * (`maxCallsInFlight`): past it a call is refused before its request is
 * decoded. HTTP/2's per-connection limit cannot bound what many connections
 * open together; this does.
 */
import { RpcError } from '@interoffice/core';

/** How often the operator hears that calls are being refused, at most. */
const WARN_EVERY_MS = 60_000;

export class InFlight {
  readonly #max: number;
  readonly #warn: (message: string) => void;
  #count = 0;
  #refused = 0;
  #warnedAt = -Infinity;
  #onIdle: (() => void) | undefined;

  constructor(max: number, warn: (message: string) => void) {
    this.#max = max;
    this.#warn = warn;
  }

  /** Calls running now. */
  get count(): number {
    return this.#count;
  }

  /** Count a call in: the function that ends it, or the error to refuse it with when the server is full. */
  enter(): (() => void) | RpcError {
    if (this.#count >= this.#max) return this.#refuse();
    this.#count++;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      if (--this.#count === 0) this.#onIdle?.();
    };
  }

  /** Call `f` when no call is left running (at once if none is). */
  whenIdle(f: () => void): void {
    if (this.#count === 0) f();
    else this.#onIdle = f;
  }

  #refuse(): RpcError {
    this.#refused++;
    const now = Date.now();
    if (now - this.#warnedAt >= WARN_EVERY_MS) {
      this.#warn(
        `${this.#max} calls in flight (maxCallsInFlight): refused ${this.#refused} with RESOURCE_EXHAUSTED since the last report`,
      );
      this.#warnedAt = now;
      this.#refused = 0;
    }
    return new RpcError('RESOURCE_EXHAUSTED', `the server has ${this.#max} calls in flight, its limit: try again later`);
  }
}
