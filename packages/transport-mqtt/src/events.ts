/**
 * Events on plain MQTT topics: what any client publishes to `my/topic`
 * reaches our subscribers, and what we publish reaches any subscriber.
 * Topic names are used as given (filters with `+` and `#` work), QoS 1,
 * payloads are text.
 */
import { RpcError, type EventBus, type Logger } from '@interoffice/core';
import type { MqttClient } from './broker.js';

export class MqttEventBus implements EventBus {
  readonly #client: MqttClient;
  readonly #logger: Logger;
  readonly #listeners = new Map<string, Set<(payload: string) => void>>();
  /** Each topic filter's subscription identifier: the broker tags what it delivers with those it matched. */
  readonly #ids = new Map<number, string>();
  #nextId = 1;
  /** Each topic filter's SUBSCRIBE, so a second subscriber waits for it too. */
  readonly #subscribed = new Map<string, Promise<unknown>>();

  constructor(client: MqttClient, logger: Logger) {
    this.#client = client;
    this.#logger = logger;
    client.on('message', (_topic, payload, packet) => {
      const tagged = packet.properties?.subscriptionIdentifier;
      for (const id of Array.isArray(tagged) ? tagged : tagged === undefined ? [] : [tagged]) {
        const filter = this.#ids.get(id);
        for (const listener of (filter === undefined ? undefined : this.#listeners.get(filter)) ?? []) {
          try {
            listener(payload.toString());
          } catch (e) {
            this.#logger.error(`an event listener of ${filter} failed`, e);
          }
        }
      }
    });
  }

  async publish(topic: string, payload: string): Promise<void> {
    try {
      await this.#client.publishAsync(topic, payload, { qos: 1 });
    } catch (e) {
      throw new RpcError('UNAVAILABLE', `cannot publish on ${topic}: ${(e as Error).message}`, { cause: e });
    }
  }

  async subscribe(topic: string, listener: (payload: string) => void): Promise<() => Promise<void>> {
    let set = this.#listeners.get(topic);
    const own = (payload: string): void => listener(payload); // one entry per subscription
    if (set === undefined) {
      this.#listeners.set(topic, (set = new Set([own])));
      const id = this.#nextId++;
      this.#ids.set(id, topic);
      this.#subscribed.set(topic, this.#client.subscribeAsync(topic, { qos: 1, properties: { subscriptionIdentifier: id } }));
    } else set.add(own);
    await this.#subscribed.get(topic);
    const listeners = set;
    return async () => {
      listeners.delete(own);
      if (listeners.size > 0 || this.#listeners.get(topic) !== listeners) return;
      this.#listeners.delete(topic);
      this.#subscribed.delete(topic);
      for (const [id, t] of this.#ids) if (t === topic) this.#ids.delete(id);
      await this.#client.unsubscribeAsync(topic).catch(() => {});
    };
  }

  async close(): Promise<void> {
    this.#listeners.clear();
    await this.#client.endAsync().catch(() => {});
  }
}
