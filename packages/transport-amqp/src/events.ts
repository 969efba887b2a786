/**
 * Events on the broker's `amq.topic` exchange, which every vhost has: the
 * channel name is the routing key, so what any AMQP client publishes there
 * reaches our subscribers, and what we publish reaches any queue bound with
 * that key (or a pattern matching it). Payloads are text.
 *
 * amqplib does not reconnect: a bus that loses the broker connects again by
 * itself, as a worker does, and binds its subscriptions anew. What is
 * published meanwhile is not heard (at most once, as on every broker).
 */
import { bounded, hearSafely, RpcError, type EventBus } from '@interoffice/core';
import type { Channel, ChannelModel } from 'amqplib';
import type { AmqpEndpoint } from './address.js';
import { brokerLimit, closeWithin, learnLimit, openConnection, refusal, reopen } from './connector.js';
import type { ResolvedOptions } from './options.js';

const EXCHANGE = 'amq.topic';
/** How long closing may wait for the broker. */
const CLOSE_MS = 2000;

interface Subscription {
  readonly channel: string;
  readonly listener: (payload: string) => void;
  /** Its consumer on the channel now open. */
  tag?: string;
}

export class AmqpEventBus implements EventBus {
  readonly #e: AmqpEndpoint;
  readonly #o: ResolvedOptions;
  readonly #subs = new Set<Subscription>();
  /** The open connection and channel; undefined while the broker is away. */
  #model: ChannelModel | undefined;
  #ch: Channel | undefined;
  #closed = false;

  private constructor(e: AmqpEndpoint, o: ResolvedOptions) {
    this.#e = e;
    this.#o = o;
  }

  /** A bus on a connection of its own. */
  static async open(e: AmqpEndpoint, o: ResolvedOptions): Promise<AmqpEventBus> {
    const bus = new AmqpEventBus(e, o);
    await bus.#open();
    return bus;
  }

  async #open(): Promise<void> {
    const model = await openConnection(this.#e, this.#o, 'events');
    try {
      const ch = await model.createChannel();
      ch.on('error', (e: Error) => {
        learnLimit(this.#e, this.#o, e); // an event over the broker's max_message_size: refused here from now on
        this.#o.logger.warn(`event channel: ${e.message}`);
      });
      for (const s of this.#subs) await this.#attach(ch, s);
      // A channel error closes the channel but not the connection: start again on a new one.
      ch.on('close', () => this.#ch === ch && void model.close().catch(() => {}));
      model.on('close', () => this.#lost(model));
      this.#model = model;
      this.#ch = ch;
      if (this.#closed) void model.close().catch(() => {}); // closed while this reconnection was under way
    } catch (err) {
      await model.close().catch(() => {});
      throw refusal('cannot open events', err);
    }
  }

  #lost(model: ChannelModel): void {
    if (this.#model !== model) return;
    this.#model = undefined;
    this.#ch = undefined;
    if (this.#closed) return;
    this.#o.logger.warn(`events on ${this.#e.display.href} lost the broker; reconnecting`);
    const back = (): void => this.#o.logger.warn(`events on ${this.#e.display.href} are back on the broker`);
    void reopen(
      () => this.#open(),
      () => this.#closed,
    ).then((ok) => ok && back());
  }

  /** A queue of the subscription's own, bound to its channel, deleted with it (or with the connection). */
  async #attach(ch: Channel, s: Subscription): Promise<void> {
    const { queue } = await ch.assertQueue('', { exclusive: true, autoDelete: true });
    await ch.bindQueue(queue, EXCHANGE, s.channel);
    const hear = (text: string): void => {
      if (this.#subs.has(s)) hearSafely(this.#o.logger, s.channel, s.listener, text);
    };
    s.tag = (await ch.consume(queue, (m) => m && hear(m.content.toString()), { noAck: true })).consumerTag;
  }

  /** The channel now open, or UNAVAILABLE saying the broker is away (a reconnection is under way). */
  #channel(what: string): Channel {
    const ch = this.#ch;
    if (ch === undefined) throw new RpcError('UNAVAILABLE', `cannot ${what}: the broker at ${this.#e.display.host} is away`);
    return ch;
  }

  async publish(channel: string, payload: string): Promise<void> {
    const limit = brokerLimit(this.#e, this.#o);
    const bytes = Buffer.byteLength(payload);
    if (limit !== undefined && bytes > limit)
      throw new RpcError('RESOURCE_EXHAUSTED', `an event of ${bytes} bytes exceeds the broker's max_message_size of ${limit}`);
    const ch = this.#channel(`publish on ${channel}`);
    try {
      ch.publish(EXCHANGE, channel, Buffer.from(payload), { contentType: 'application/json' });
    } catch (e) {
      throw new RpcError('UNAVAILABLE', `cannot publish on ${channel}: ${(e as Error).message}`, { cause: e });
    }
  }

  async subscribe(channel: string, listener: (payload: string) => void): Promise<() => Promise<void>> {
    const s: Subscription = { channel, listener };
    try {
      await this.#attach(this.#channel(`subscribe to ${channel}`), s);
    } catch (e) {
      throw refusal(`cannot subscribe to ${channel}`, e);
    }
    this.#subs.add(s);
    return async () => {
      this.#subs.delete(s);
      if (s.tag !== undefined) await this.#ch?.cancel(s.tag).catch(() => {}); // the auto-delete queue goes with its consumer
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    const [ch, model] = [this.#ch, this.#model];
    this.#ch = undefined;
    this.#model = undefined;
    // After what it still has to publish, but not for ever: a broker that stalls gets 2 s in all.
    const end = Date.now() + CLOSE_MS;
    await bounded(ch?.close(), CLOSE_MS);
    await closeWithin(model, model?.close(), Math.max(0, end - Date.now()));
  }
}
