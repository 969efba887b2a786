/**
 * The server side: a worker consuming the work queue, one of any number
 * competing for it, with manual acks and a prefetch. Each message goes to
 * core as a delivery; the control exchange's cancels and goodbyes go to
 * core too, which keeps one logical session per caller.
 *
 * A worker that dies (kill -9, a lost connection) leaves its unacknowledged
 * messages to the broker, which delivers them again to another worker. A
 * worker that loses the broker reconnects by itself, with growing pauses.
 */
import { bounded, CALLER_LEFT, takeControl, type Listener, type MessageServer } from '@interoffice/core';
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import { requireQueue, type AmqpEndpoint } from './address.js';
import { AmqpDelivery, type DeliveryOwner } from './delivery.js';
import { brokerLimit, closeWithin, learnLimit, openConnection, refusal, reopen } from './connector.js';
import type { ResolvedOptions } from './options.js';
import { CONTROL_EXCHANGE } from './wire.js';

/** How long closing may wait for the broker: for the consumer's cancel, then for the rest together. */
const CLOSE_MS = 2000;

export class AmqpWorker implements Listener, DeliveryOwner {
  readonly url: URL;
  readonly #e: AmqpEndpoint;
  readonly #o: ResolvedOptions;
  readonly #queue: string;
  readonly #server: MessageServer;
  /** The open connection and channel; undefined while the broker is away. */
  #model: ChannelModel | undefined;
  #ch: Channel | undefined;
  #consumerTag: string | undefined;
  /** Deliveries core has not ended or abandoned, with the channel each came on. */
  readonly #inflight = new Map<AmqpDelivery, Channel>();
  /** The same, by caller and correlation id: a copy redelivered after a lost channel joins its running call. */
  readonly #byKey = new Map<string, AmqpDelivery>();
  #empty: (() => void) | undefined;
  #closing = false;

  private constructor(e: AmqpEndpoint, o: ResolvedOptions, server: MessageServer) {
    this.#e = e;
    this.#o = o;
    this.#queue = requireQueue(e);
    this.#server = server;
    this.url = e.display;
  }

  /** Declare the work queue and start taking requests. */
  static async start(e: AmqpEndpoint, o: ResolvedOptions, server: MessageServer): Promise<AmqpWorker> {
    const worker = new AmqpWorker(e, o, server);
    await worker.#open();
    return worker;
  }

  async #open(): Promise<void> {
    const model = await openConnection(this.#e, this.#o, 'worker');
    try {
      const ch = await model.createChannel();
      ch.on('error', (err: unknown) => {
        // Reported through the connection's 'close', but for the broker's size limit, which is learned.
        const limit = learnLimit(this.#e, this.#o, err);
        const why = `the broker refused an answer over its max_message_size (${limit} bytes)`;
        if (limit !== undefined) this.#o.logger.warn(`${why}: larger ones get RESOURCE_EXHAUSTED in their place from now on`);
      });
      const quorum = this.#o.queueType === 'quorum';
      await ch.assertQueue(this.#queue, { durable: true, arguments: quorum ? { 'x-queue-type': 'quorum' } : {} });
      await ch.prefetch(this.#o.prefetch);
      // Control first: a cancel must not be missed for a request this worker is about to take.
      await ch.assertExchange(CONTROL_EXCHANGE, 'direct', { durable: true });
      const control = await ch.assertQueue('', { exclusive: true, autoDelete: true });
      await ch.bindQueue(control.queue, CONTROL_EXCHANGE, this.#queue);
      await ch.consume(control.queue, (m) => m && takeControl(this.#server, CALLER_LEFT, m.content.toString()), {
        noAck: true,
      });
      ch.on('drain', () => this.#server.drain());
      // A channel error closes the channel but not the connection: start again on a new one.
      ch.on('close', () => this.#ch === ch && void model.close().catch(() => {}));
      model.on('close', (err?: Error) => this.#lost(model, err));
      this.#model = model;
      this.#ch = ch;
      this.#consumerTag = (await ch.consume(this.#queue, (m) => this.#take(ch, m), { noAck: false })).consumerTag;
      if (this.#closing) void model.close().catch(() => {}); // closed while this reconnection was under way
    } catch (err) {
      await model.close().catch(() => {});
      throw refusal(`cannot serve ${this.url.href}`, err);
    }
  }

  #take(ch: Channel, m: ConsumeMessage | null): void {
    if (m === null) {
      // The broker cancelled the consumer (the queue was deleted): declare it again on a new connection.
      void this.#model?.close().catch(() => {});
      return;
    }
    if (this.#closing) return ch.nack(m, false, true);
    const d = new AmqpDelivery(m, this.#o.maxFrameBytes, this, brokerLimit(this.#e, this.#o));
    const key = d.key;
    const running = key === undefined ? undefined : this.#byKey.get(key);
    if (running !== undefined && m.fields.redelivered && this.#inflight.get(running) !== ch) {
      // Our own call, still running, whose channel was lost: its answer and ack go with this copy.
      running.message = m;
      this.#inflight.set(running, ch);
      return;
    }
    this.#inflight.set(d, ch);
    if (key !== undefined) this.#byKey.set(key, d);
    this.#server.deliver(d);
  }

  channelOf(d: AmqpDelivery): Channel | undefined {
    const ch = this.#inflight.get(d);
    return ch !== undefined && ch === this.#ch ? ch : undefined; // a lost channel's messages are the broker's again
  }

  done(d: AmqpDelivery): void {
    this.#inflight.delete(d);
    const key = d.key;
    if (key !== undefined && this.#byKey.get(key) === d) this.#byKey.delete(key);
    if (this.#inflight.size === 0) this.#empty?.();
  }

  /** The connection closed: unless we are closing, connect again until the broker is back. */
  #lost(model: ChannelModel, err: Error | undefined): void {
    if (this.#model !== model) return;
    this.#model = undefined;
    this.#ch = undefined;
    if (this.#closing) return;
    this.#o.logger.warn(`worker of ${this.url.href} lost the broker (${err?.message ?? 'closed'}); reconnecting`);
    const back = (): void => this.#o.logger.warn(`worker of ${this.url.href} is back on the broker`);
    void reopen(
      () => this.#open(),
      () => this.#closing,
    ).then((ok) => ok && back());
  }

  /**
   * Stop taking requests at once; wait until core has ended or abandoned
   * every delivery (abandoned ones go back to the queue); then, when the
   * queue is left empty and without consumers, delete it, so that later
   * calls fail UNAVAILABLE at once instead of waiting for a worker.
   */
  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    // The steps ask the broker things, but not for ever: a worker closes even while the broker stalls.
    const tag = this.#consumerTag;
    if (tag !== undefined) await bounded(this.#ch?.cancel(tag), CLOSE_MS);
    if (this.#inflight.size > 0) await new Promise<void>((r) => (this.#empty = r));
    // The rest within one budget, counted from here: calls that ran long must not eat the channel's close.
    const end = Date.now() + CLOSE_MS;
    const step = (p: Promise<unknown> | undefined): Promise<void> => bounded(p, Math.max(0, end - Date.now()));
    // (Quorum queues cannot be deleted only if unused: they stay, holding calls for the next worker.)
    if (this.#o.queueType === 'classic') {
      await step(this.#ch?.deleteQueue(this.#queue, { ifUnused: true, ifEmpty: true }));
    }
    const model = this.#model;
    const last = this.#ch;
    this.#model = undefined;
    this.#ch = undefined;
    // The channel first: its close waits for the broker to take the last answers and acks, which
    // a connection close can overtake (the answer is lost and the message redelivered).
    await step(last?.close());
    await closeWithin(model, model?.close(), Math.max(0, end - Date.now()));
  }
}
