/**
 * Events on the broker's `amq.topic` exchange, which every vhost has: the
 * channel name is the routing key, so what any AMQP client publishes there
 * reaches our subscribers, and what we publish reaches any queue bound with
 * that key (or a pattern matching it). Payloads are text.
 */
import { hearSafely, RpcError, type EventBus, type Logger } from '@interoffice/core';
import type { Channel, ChannelModel } from 'amqplib';

const EXCHANGE = 'amq.topic';

class AmqpEventBus implements EventBus {
  readonly #model: ChannelModel;
  readonly #ch: Channel;
  readonly #logger: Logger;

  constructor(model: ChannelModel, ch: Channel, logger: Logger) {
    this.#model = model;
    this.#ch = ch;
    this.#logger = logger;
  }

  async publish(channel: string, payload: string): Promise<void> {
    try {
      this.#ch.publish(EXCHANGE, channel, Buffer.from(payload), { contentType: 'application/json' });
    } catch (e) {
      throw new RpcError('UNAVAILABLE', `cannot publish on ${channel}: ${(e as Error).message}`, { cause: e });
    }
  }

  async subscribe(channel: string, listener: (payload: string) => void): Promise<() => Promise<void>> {
    // A queue of the subscription's own, deleted with it (or with the connection).
    const { queue } = await this.#ch.assertQueue('', { exclusive: true, autoDelete: true });
    await this.#ch.bindQueue(queue, EXCHANGE, channel);
    const { consumerTag } = await this.#ch.consume(
      queue,
      (m) => m && hearSafely(this.#logger, channel, listener, m.content.toString()),
      { noAck: true },
    );
    return async () => {
      await this.#ch.cancel(consumerTag).catch(() => {}); // the auto-delete queue goes with its consumer
    };
  }

  async close(): Promise<void> {
    await this.#ch.close().catch(() => {}); // after what it still has to publish
    await this.#model.close().catch(() => {});
  }
}

/** An event bus on a connection of its own. */
export async function openEventBus(model: ChannelModel, logger: Logger): Promise<EventBus> {
  try {
    const ch = await model.createChannel();
    ch.on('error', (e: Error) => logger.warn(`event channel: ${e.message}`));
    return new AmqpEventBus(model, ch, logger);
  } catch (e) {
    await model.close().catch(() => {});
    throw new RpcError('UNAVAILABLE', `cannot open events: ${(e as Error).message}`, { cause: e });
  }
}
