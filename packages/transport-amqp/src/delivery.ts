/**
 * One request message a worker took from the work queue, as core's
 * delivery: answers go to the message's `reply_to` with its
 * `correlation_id` (stream items first, the final response last), and the
 * message is acknowledged once core ends it — or given back to the queue
 * (nack, requeue) when core abandons it, for another worker to take.
 */
import { type Answer, type Delivery, messageBody, metadataFromHeaders, type Peer } from '@interoffice/core';
import type { Channel, ConsumeMessage } from 'amqplib';
import { CALLER, OWN_HEADERS, SENT_AT } from './wire.js';

/** What a delivery needs of its worker. */
export interface DeliveryOwner {
  /** The channel the message came on, while it is open: its acks and answers go there. */
  channelOf(d: AmqpDelivery): Channel | undefined;
  /** The delivery is done with (acked or given back). */
  done(d: AmqpDelivery): void;
}

export class AmqpDelivery implements Delivery {
  readonly caller: string;
  readonly peer: Peer;
  readonly body: string;
  readonly tooLarge: number | undefined;
  readonly waitedMs: number;
  /** The request's headers as metadata, for callers that send it there (a stock client); the body's `meta` wins. */
  readonly meta: Record<string, string> | undefined;

  constructor(
    /** The message: a copy the broker delivered again replaces it when this worker lost the first one's channel. */
    public message: ConsumeMessage,
    maxFrameBytes: number,
    private readonly owner: DeliveryOwner,
    /** The broker's max_message_size, once learned: core answers RESOURCE_EXHAUSTED in place of a larger answer. */
    readonly maxAnswerBytes: number | undefined,
  ) {
    const { headers, replyTo } = message.properties;
    const named = headers?.[CALLER];
    // Without our header the caller is its reply-to address: unique per channel, so its call ids are its own.
    this.caller = typeof named === 'string' ? named : typeof replyTo === 'string' ? replyTo : 'amqp:no-reply-to';
    this.peer = { transport: 'amqp', address: this.caller };
    ({ body: this.body, tooLarge: this.tooLarge } = messageBody(message.content, maxFrameBytes));
    const sentAt = headers?.[SENT_AT];
    this.waitedMs = typeof sentAt === 'number' ? Math.max(0, Date.now() - sentAt) : 0;
    this.meta = headers === undefined ? undefined : metadataFromHeaders(Object.entries(headers), OWN_HEADERS);
  }

  /** Whose call, by the caller and the message's correlation id; undefined without one. */
  get key(): string | undefined {
    const { correlationId } = this.message.properties;
    return typeof correlationId === 'string' ? `${this.caller}\n${correlationId}` : undefined;
  }

  item(answer: Answer): boolean {
    return this.#reply(answer);
  }

  end(answer: Answer | undefined): void {
    if (answer !== undefined) this.#reply(answer);
    this.owner.channelOf(this)?.ack(this.message);
    this.owner.done(this);
  }

  abandon(): void {
    this.owner.channelOf(this)?.nack(this.message, false, true);
    this.owner.done(this);
  }

  #reply(answer: Answer): boolean {
    const ch = this.owner.channelOf(this);
    const { replyTo, correlationId } = this.message.properties;
    if (ch === undefined || typeof replyTo !== 'string' || replyTo === '') return true; // nobody to tell
    return ch.publish('', replyTo, Buffer.from(answer.text), {
      correlationId,
      headers: answer.fields?.meta, // response metadata, also in the body's `meta`
    });
  }
}
