/**
 * A client's side of the AMQP transport, as one core
 * {@link MessageConnection}, in the shape of RabbitMQ's RPC tutorial: each
 * request is published to the work queue with `reply_to` set to the direct
 * reply-to pseudo-queue and a `correlation_id`; every answer (stream items,
 * then the final response) comes back on this channel with that
 * correlation id. Cancels and the goodbye go to every worker of the queue
 * through the control exchange.
 *
 * Requests are published `mandatory`: when no queue of that name exists (no
 * worker ever declared it, or the last one left an empty queue) the broker
 * returns them, and this connection closes with UNAVAILABLE, as a socket
 * whose server left: its calls fail, and core's next connection (or a
 * `waitForReady` call's retries) asks for the queue again. A lost broker connection
 * closes this connection with UNAVAILABLE: calls in flight fail, and core
 * opens a new connection for the next call.
 */
import { randomBytes } from 'node:crypto';
import {
  CALLER_LEFT,
  controlText,
  RpcError,
  takeAnswer,
  type ControlRecord,
  type MessageConnection,
  type MessageHandler,
  type OutgoingRequest,
  type Peer,
  type RequestId,
} from '@interoffice/core';
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import { requireQueue, type AmqpEndpoint } from './address.js';
import { brokerLimit, closeWithin, learnLimit, lostError, openConnection, refusal } from './connector.js';
import type { ResolvedOptions } from './options.js';
import { CALLER, CONTROL_EXCHANGE, REPLY_TO, SENT_AT } from './wire.js';

const noQueue = (queue: string): RpcError =>
  new RpcError('UNAVAILABLE', `no worker serves ${queue}: the broker has no queue of that name`);

/** How long closing may wait for the broker before the socket is cut. */
const CLOSE_MS = 2000;

/** How often, at most, a client asks how many workers consume its queue (for {@link AmqpClientConnection.whyUnanswered}). */
const LOOK_MS = 1000;

/**
 * A channel for asking about the work queue (a miss closes it, so not the
 * channel of the calls); rejects with UNAVAILABLE when the queue does not exist.
 */
async function queueChannel(model: ChannelModel, e: AmqpEndpoint): Promise<Channel> {
  const ch = await model.createChannel();
  ch.on('error', () => {});
  try {
    await ch.checkQueue(e.name);
    return ch;
  } catch {
    throw noQueue(e.name);
  }
}

export class AmqpClientConnection implements MessageConnection {
  readonly maxFrameBytes: number;
  readonly peer: Peer;
  /** This connection's caller id (the {@link CALLER} header). */
  readonly id = randomBytes(12).toString('base64url');
  readonly #queue: string;
  readonly #handler: MessageHandler;
  readonly #model: ChannelModel;
  readonly #ch: Channel;
  readonly #look: Channel;
  /** The queue's consumers when last asked (at most once a second, as calls are sent). */
  #workers = -1;
  #lookedAt = 0;
  #seq = 0;
  #closed = false;
  /**
   * The headers of a request without metadata: one object, reused. amqplib makes each
   * publish's headers the prototype of a new object, and a fresh one per call cost ~25 µs
   * of client CPU per sequential call here (bench/README.md, "late night"). Reuse is safe:
   * amqplib encodes the headers before `publish` returns.
   */
  readonly #plain: Record<string, unknown> = { [CALLER]: this.id, [SENT_AT]: 0 };

  private constructor(
    e: AmqpEndpoint,
    o: ResolvedOptions,
    handler: MessageHandler,
    model: ChannelModel,
    ch: Channel,
    look: Channel,
  ) {
    this.#queue = requireQueue(e);
    this.#look = look;
    this.#handler = handler;
    this.#model = model;
    this.#ch = ch;
    // Core refuses a request the broker would refuse: once it did, since it does not say sooner.
    this.maxFrameBytes = Math.min(o.maxFrameBytes, brokerLimit(e, o) ?? Infinity);
    this.peer = { transport: 'amqp', address: e.display.href };
    ch.on('return', () => this.#shutdown(noQueue(this.#queue)));
    ch.on('error', (err: unknown) => {
      const limit = learnLimit(e, o, err);
      if (limit === undefined) return;
      const why = `the broker refused a request over its max_message_size of ${limit} bytes and closed the channel`;
      this.#shutdown(new RpcError('RESOURCE_EXHAUSTED', `${why}; later connections refuse such requests before sending them`));
    });
    // A channel error (the broker refusing something) closes the channel but not the connection.
    ch.on('close', () => this.#shutdown(new RpcError('UNAVAILABLE', `the broker closed the channel to ${this.#queue}`)));
    model.on('close', (err?: Error) => this.#shutdown(lostError(e.display.host, err)));
  }

  /** Connect, consume the direct reply-to pseudo-queue (before any publish, as RabbitMQ requires). */
  static async open(e: AmqpEndpoint, o: ResolvedOptions, handler: MessageHandler): Promise<AmqpClientConnection> {
    requireQueue(e);
    const model = await openConnection(e, o, 'client');
    try {
      const ch = await model.createChannel();
      ch.on('error', () => {}); // a channel error closes the connection's use: reported through 'close'
      await ch.assertExchange(CONTROL_EXCHANGE, 'direct', { durable: true });
      const look = await queueChannel(model, e);
      const conn = new AmqpClientConnection(e, o, handler, model, ch, look);
      await ch.consume(REPLY_TO, (m) => conn.#reply(m), { noAck: true });
      return conn;
    } catch (err) {
      await model.close().catch(() => {});
      throw refusal(`cannot open a client on ${e.display.href}`, err);
    }
  }

  send(request: OutgoingRequest): void {
    if (this.#closed) return;
    const correlationId = String(++this.#seq);
    const meta = request.fields?.meta;
    let headers = this.#plain;
    if (meta === undefined)
      headers[SENT_AT] = Date.now(); // core leaves out empty metadata
    else headers = { ...meta, [CALLER]: this.id, [SENT_AT]: Date.now() };
    let expiration: string | undefined;
    if (request.deadline !== Number.POSITIVE_INFINITY) {
      // The broker drops it unread once nobody waits for it (the body's `timeout` says the same to the server).
      expiration = String(Math.max(1, Math.ceil(request.deadline - Date.now())));
    }
    this.#ch.publish('', this.#queue, Buffer.from(request.text), {
      replyTo: REPLY_TO,
      correlationId,
      mandatory: true,
      expiration,
      headers,
    });
    this.#lookForWorkers();
  }

  whyUnanswered(): string | undefined {
    if (this.#workers !== 0) return undefined;
    return `no worker was consuming queue ${this.#queue} when the request was sent (it waits there for one)`;
  }

  #lookForWorkers(): void {
    const now = Date.now();
    if (now - this.#lookedAt < LOOK_MS) return;
    this.#lookedAt = now;
    this.#look.checkQueue(this.#queue).then(
      (q) => (this.#workers = q.consumerCount),
      () => {}, // the queue is gone: the broker returns the request, which closes this connection
    );
  }

  cancel(id: RequestId): void {
    this.#control({ caller: this.id, cancel: id });
  }

  /** Credit for a stream's items travels as a cancel does: every worker hears it, the one running the call applies it. */
  credit(id: RequestId, n: number): void {
    this.#control({ caller: this.id, credit: id, n });
  }

  close(): void {
    if (this.#closed) return;
    this.#control({ caller: this.id, left: true }); // workers abort what still runs for us
    this.#shutdown(undefined);
  }

  #control(record: ControlRecord): void {
    if (this.#closed) return;
    this.#ch.publish(CONTROL_EXCHANGE, this.#queue, Buffer.from(controlText(CALLER_LEFT, record)));
  }

  #reply(m: ConsumeMessage | null): void {
    if (m === null) return this.#shutdown(new RpcError('UNAVAILABLE', 'the broker cancelled the reply consumer'));
    if (this.#closed) return;
    takeAnswer(this.#handler, m.content, this.maxFrameBytes);
  }

  #shutdown(error: RpcError | undefined): void {
    if (this.#closed) return;
    this.#closed = true;
    // The channel's close follows what it still has to send (the goodbye, cancels); then the connection's,
    // within 2 s: a broker that stalls answers neither, and the open socket would keep the process alive.
    const model = this.#model;
    const polite = this.#ch
      .close()
      .catch(() => {})
      .then(() => model.close());
    void closeWithin(model, polite, CLOSE_MS);
    queueMicrotask(() => this.#handler.closed(error));
  }
}
