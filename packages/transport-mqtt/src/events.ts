/**
 * Events on plain MQTT topics: what any client publishes to `my/topic`
 * reaches our subscribers, and what we publish reaches any subscriber.
 * Topic names are used as given (filters with `+` and `#` work), QoS 1,
 * payloads are text.
 */
import { RpcError, type EventBus, type Logger } from '@interoffice/core';
import type { MqttClient } from './broker.js';

/** Whether `topic` matches the subscription `filter` (`+` one level, `#` the rest). */
function matches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length || (f[i] !== '+' && f[i] !== t[i])) return false;
  }
  return f.length === t.length;
}

export class MqttEventBus implements EventBus {
  readonly #client: MqttClient;
  readonly #logger: Logger;
  readonly #listeners = new Map<string, Set<(payload: string) => void>>();

  constructor(client: MqttClient, logger: Logger) {
    this.#client = client;
    this.#logger = logger;
    client.on('message', (topic, payload) => {
      for (const [filter, set] of this.#listeners) {
        if (!matches(filter, topic)) continue;
        for (const listener of set) {
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
    if (set === undefined) this.#listeners.set(topic, (set = new Set()));
    const own = (payload: string): void => listener(payload); // one entry per subscription
    set.add(own);
    await this.#client.subscribeAsync(topic, { qos: 1 });
    const listeners = set;
    return async () => {
      listeners.delete(own);
      if (listeners.size > 0 || this.#listeners.get(topic) !== listeners) return;
      this.#listeners.delete(topic);
      await this.#client.unsubscribeAsync(topic).catch(() => {});
    };
  }

  async close(): Promise<void> {
    this.#listeners.clear();
    await this.#client.endAsync().catch(() => {});
  }
}
