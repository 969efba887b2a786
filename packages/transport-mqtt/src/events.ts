/**
 * Events on plain MQTT topics: what any client publishes to `my/topic`
 * reaches our subscribers, and what we publish reaches any subscriber.
 * Topic names are used as given (filters with `+` and `#` work), QoS 1,
 * payloads are text.
 */
import { ChannelListeners, RpcError, type EventBus, type Logger } from '@interoffice/core';
import { bodyLimit, endClient, type MqttClient } from './broker.js';

export class MqttEventBus implements EventBus {
  readonly #client: MqttClient;
  readonly #listeners: ChannelListeners;
  /** Each topic filter's subscription identifier: the broker tags what it delivers with those it matched. */
  readonly #ids = new Map<number, string>();
  #nextId = 1;

  constructor(client: MqttClient, logger: Logger) {
    this.#client = client;
    this.#listeners = new ChannelListeners(
      {
        subscribe: (filter) => {
          const id = this.#nextId++;
          this.#ids.set(id, filter);
          return client.subscribeAsync(filter, { qos: 1, properties: { subscriptionIdentifier: id } });
        },
        unsubscribe: (filter) => {
          for (const [id, f] of this.#ids) if (f === filter) this.#ids.delete(id);
          return client.unsubscribeAsync(filter);
        },
      },
      logger,
    );
    client.on('message', (_topic, payload, packet) => {
      const tagged = packet.properties?.subscriptionIdentifier;
      for (const id of Array.isArray(tagged) ? tagged : tagged === undefined ? [] : [tagged]) {
        const filter = this.#ids.get(id);
        if (filter !== undefined) this.#listeners.hear(filter, payload.toString());
      }
    });
  }

  async publish(topic: string, payload: string): Promise<void> {
    // A larger packet makes the broker drop the connection, and mqtt.js sends it again on the next, and again.
    const limit = bodyLimit(this.#client);
    const bytes = Buffer.byteLength(payload);
    if (limit !== undefined && bytes > limit)
      throw new RpcError(
        'RESOURCE_EXHAUSTED',
        `an event of ${bytes} bytes exceeds the broker's limit of ${limit} (its maximum packet size, less room for the topic)`,
      );
    // mqtt.js would hold it until the broker is back, if ever.
    if (!this.#client.connected)
      throw new RpcError('UNAVAILABLE', `cannot publish on ${topic}: the broker is away (reconnecting)`);
    try {
      await this.#client.publishAsync(topic, payload, { qos: 1 });
    } catch (e) {
      throw new RpcError('UNAVAILABLE', `cannot publish on ${topic}: ${(e as Error).message}`, { cause: e });
    }
  }

  subscribe(topic: string, listener: (payload: string) => void): Promise<() => Promise<void>> {
    return this.#listeners.add(topic, listener);
  }

  async close(): Promise<void> {
    this.#listeners.clear();
    await endClient(this.#client).catch(() => {}); // a publish still waiting (the broker away) fails UNAVAILABLE
  }
}
