/**
 * The listeners of an event bus that keeps one broker subscription per
 * channel for any number of subscribers: the first subscriber sends the
 * SUBSCRIBE and later ones wait for it; the last one to leave unsubscribes.
 * A listener that throws is logged, and the others still hear the event.
 */
import type { Logger } from './logger.js';

/** What a broker does for {@link ChannelListeners}: (un)subscribe one channel, or topic filter. */
export interface ChannelSubscriber {
  subscribe(channel: string): Promise<unknown>;
  unsubscribe(channel: string): Promise<unknown>;
}

export class ChannelListeners {
  readonly #listeners = new Map<string, Set<(payload: string) => void>>();
  /** Each channel's SUBSCRIBE, so a second subscriber waits for it too. */
  readonly #subscribed = new Map<string, Promise<unknown>>();
  readonly #broker: ChannelSubscriber;
  readonly #logger: Logger;

  constructor(broker: ChannelSubscriber, logger: Logger) {
    this.#broker = broker;
    this.#logger = logger;
  }

  /** Add `listener` to `channel`, once the broker has subscribed; resolves with what removes it. */
  async add(channel: string, listener: (payload: string) => void): Promise<() => Promise<void>> {
    let set = this.#listeners.get(channel);
    if (set === undefined) {
      this.#listeners.set(channel, (set = new Set()));
      this.#subscribed.set(channel, this.#broker.subscribe(channel));
    }
    const own = (payload: string): void => listener(payload); // one entry per subscription
    set.add(own);
    await this.#subscribed.get(channel);
    const listeners = set;
    return async () => {
      listeners.delete(own);
      if (listeners.size > 0 || this.#listeners.get(channel) !== listeners) return;
      this.#listeners.delete(channel);
      this.#subscribed.delete(channel);
      await this.#broker.unsubscribe(channel).catch(() => {});
    };
  }

  /** The broker delivered `payload` on `channel` (a subscribed channel or filter): every listener of it hears it. */
  hear(channel: string, payload: string): void {
    for (const listener of this.#listeners.get(channel) ?? []) hearSafely(this.#logger, channel, listener, payload);
  }

  /** Forget every listener (the bus closes). */
  clear(): void {
    this.#listeners.clear();
    this.#subscribed.clear();
  }
}

/** Call `listener` with `payload`; if it throws, log it and go on (one listener must not stop a bus). */
export function hearSafely(logger: Logger, channel: string, listener: (payload: string) => void, payload: string): void {
  try {
    listener(payload);
  } catch (e) {
    logger.error(`an event listener of ${channel} failed`, e);
  }
}
