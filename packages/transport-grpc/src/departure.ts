/**
 * The caller of one server call has left (cancelled, or its deadline
 * passed): the signal core's engine watches. An AbortController per call
 * costs a good share of a call (EventTarget machinery; bench/README.md has
 * the figure); this is a flag and a short list.
 */
import type { CancelSignal } from '@interoffice/core';

export class Departure implements CancelSignal {
  aborted = false;
  #listeners: (() => void)[] | undefined;

  addEventListener(_type: 'abort', listener: () => void): void {
    if (this.aborted) return;
    (this.#listeners ??= []).push(listener);
  }

  /** The caller left: tell every listener, once. */
  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    const listeners = this.#listeners ?? [];
    this.#listeners = undefined;
    for (const l of listeners) l();
  }
}
