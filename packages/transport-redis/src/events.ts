/**
 * Events on plain Redis channels: what any Redis client publishes with
 * `PUBLISH my_channel ...` reaches our subscribers, and what we publish
 * reaches any plain subscriber. Channel names are used as given (no prefix),
 * payloads are text.
 */
import { bounded, ChannelListeners, RpcError, type EventBus, type Logger } from '@interoffice/core';
import type { Connector, RedisClient } from './connector.js';

/** How long closing may wait for Redis. */
const CLOSE_MS = 2000;

class RedisEventBus implements EventBus {
  readonly #pub: RedisClient;
  readonly #sub: RedisClient;
  readonly #listeners: ChannelListeners;

  constructor(pub: RedisClient, sub: RedisClient, logger: Logger) {
    this.#pub = pub;
    this.#sub = sub;
    this.#listeners = new ChannelListeners(sub, logger);
    sub.on('message', (channel: string, payload: string) => this.#listeners.hear(channel, payload));
  }

  async publish(channel: string, payload: string): Promise<void> {
    // Commands are not queued while Redis is away (the connector turns that off): say so plainly.
    const away = `cannot publish on ${channel}: Redis is away (reconnecting)`;
    if (this.#pub.status !== 'ready') throw new RpcError('UNAVAILABLE', away);
    try {
      await this.#pub.call('PUBLISH', channel, payload);
    } catch (e) {
      const why = (e as Error).message;
      // ioredis's own words for it, in the moment before its status says so.
      throw new RpcError('UNAVAILABLE', /offline ?queue/i.test(why) ? away : `cannot publish on ${channel}: ${why}`, {
        cause: e,
      });
    }
  }

  subscribe(channel: string, listener: (payload: string) => void): Promise<() => Promise<void>> {
    return this.#listeners.add(channel, listener);
  }

  async close(): Promise<void> {
    this.#listeners.clear();
    // Politely, but not for ever: a Redis that stalls never answers the QUITs.
    await bounded(Promise.all([this.#pub.quit(), this.#sub.quit()]), CLOSE_MS);
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
