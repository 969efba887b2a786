/**
 * Events on plain Redis channels: what any Redis client publishes with
 * `PUBLISH my_channel ...` reaches our subscribers, and what we publish
 * reaches any plain subscriber. Channel names are used as given (no prefix),
 * payloads are text.
 */
import { ChannelListeners, RpcError, type EventBus, type Logger } from '@interoffice/core';
import type { Connector, RedisClient } from './connector.js';

const noop = (): void => {};

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
    if (this.#pub.status !== 'ready')
      throw new RpcError('UNAVAILABLE', `cannot publish on ${channel}: Redis is away (reconnecting)`);
    try {
      await this.#pub.call('PUBLISH', channel, payload);
    } catch (e) {
      throw new RpcError('UNAVAILABLE', `cannot publish on ${channel}: ${(e as Error).message}`, { cause: e });
    }
  }

  subscribe(channel: string, listener: (payload: string) => void): Promise<() => Promise<void>> {
    return this.#listeners.add(channel, listener);
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
