/**
 * Events on plain Redis channels: what any Redis client publishes with
 * `PUBLISH my_channel ...` reaches our subscribers, and what we publish
 * reaches any plain subscriber. Channel names are used as given (no prefix),
 * payloads are text.
 */
import { RpcError, type EventBus, type Logger } from '@interoffice/core';
import type { Connector, RedisClient } from './connector.js';

const noop = (): void => {};

class RedisEventBus implements EventBus {
  readonly #pub: RedisClient;
  readonly #sub: RedisClient;
  readonly #logger: Logger;
  readonly #listeners = new Map<string, Set<(payload: string) => void>>();
  /** Each channel's SUBSCRIBE, so a second subscriber waits for it too. */
  readonly #subscribed = new Map<string, Promise<unknown>>();

  constructor(pub: RedisClient, sub: RedisClient, logger: Logger) {
    this.#pub = pub;
    this.#sub = sub;
    this.#logger = logger;
    sub.on('message', (channel: string, payload: string) => {
      for (const listener of this.#listeners.get(channel) ?? []) {
        try {
          listener(payload);
        } catch (e) {
          this.#logger.error(`an event listener of ${channel} failed`, e);
        }
      }
    });
  }

  async publish(channel: string, payload: string): Promise<void> {
    try {
      await this.#pub.call('PUBLISH', channel, payload);
    } catch (e) {
      throw new RpcError('UNAVAILABLE', `cannot publish on ${channel}: ${(e as Error).message}`, { cause: e });
    }
  }

  async subscribe(channel: string, listener: (payload: string) => void): Promise<() => Promise<void>> {
    let set = this.#listeners.get(channel);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(channel, set);
      this.#subscribed.set(channel, this.#sub.subscribe(channel));
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
      await this.#sub.unsubscribe(channel).catch(noop);
    };
  }

  async close(): Promise<void> {
    this.#listeners.clear();
    await Promise.all([this.#pub.quit(), this.#sub.quit()]).catch(noop);
    this.#pub.disconnect();
    this.#sub.disconnect();
  }
}

/** An event bus on the Redis the connector reaches. */
export async function openEventBus(connector: Connector, logger: Logger): Promise<EventBus> {
  const pub = await connector.open('calls');
  try {
    return new RedisEventBus(pub, await connector.open('subscriber'), logger);
  } catch (e) {
    pub.disconnect();
    throw e;
  }
}
