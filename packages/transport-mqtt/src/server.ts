/**
 * The server side: a worker subscribed to the service's requests through a
 * shared subscription, one of any number competing for them. Each request
 * goes to core as a delivery; its answers (stream items, then the final
 * response) are published to the request's response topic with its
 * correlation data. The control topic's cancels and goodbyes go to core,
 * which keeps one logical session per caller (its response topic).
 *
 * The worker announces itself with a retained message on the service's
 * presence topic, cleared on close and by its will should it die.
 */
import { randomBytes } from 'node:crypto';
import {
  CALLER_LEFT,
  messageBody,
  takeControl,
  type Answer,
  type Delivery,
  type Listener,
  type MessageServer,
  type Peer,
} from '@interoffice/core';
import type { IPublishPacket } from 'mqtt';
import { bodyLimit, CLOSE_MS, endClient, openClient, whileUp, type MqttClient } from './broker.js';
import { batchWrites } from './write-batch.js';
import { PACKET_SLACK, type Setup } from './client.js';

/** User properties of a request that are not its metadata. */
const RESERVED = new Set(['interoffice', 'timeout', 'sent']);

/** One request a worker received, and the way back to its caller. */
class MqttDelivery implements Delivery {
  readonly peer: Peer;
  readonly meta?: Record<string, string>;
  readonly timeout?: number;
  #done = false;

  constructor(
    readonly caller: string,
    readonly body: string,
    readonly waitedMs: number,
    readonly tooLarge: number | undefined,
    private readonly worker: MqttWorker,
    private readonly correlationData: Buffer | undefined,
    terms: { meta?: Record<string, string>; timeout?: number },
    /** What the broker takes: core answers RESOURCE_EXHAUSTED in place of a larger answer. */
    readonly maxAnswerBytes: number | undefined,
  ) {
    this.peer = { transport: 'mqtt', address: caller };
    if (terms.meta !== undefined) this.meta = terms.meta;
    if (terms.timeout !== undefined) this.timeout = terms.timeout;
  }

  item(answer: Answer): boolean {
    this.worker.answer(this.caller, this.correlationData, answer);
    return true;
  }

  end(answer: Answer | undefined): void {
    if (this.#done) return;
    this.#done = true;
    if (answer !== undefined) this.worker.answer(this.caller, this.correlationData, answer);
    this.worker.ended(this);
  }

  /** The request was acknowledged when it arrived: one left unanswered is lost, and its caller's deadline ends it. */
  abandon(): void {
    this.#done = true;
    this.worker.ended(this);
  }
}

/**
 * What a foreign MQTT 5 client said beside its request: its user properties
 * are metadata and its `timeout` (or else the message expiry) the call's
 * timeout, from sending. Core reads the body and merges them (the body's own
 * `meta` keys win; the earlier timeout holds). Our clients send the whole
 * envelope in the body (user property `interoffice`): nothing beside it.
 */
function termsOf(packet: IPublishPacket): { meta?: Record<string, string>; timeout?: number } {
  const user = packet.properties?.userProperties ?? {};
  if (user.interoffice !== undefined) return {};
  const expiry = packet.properties?.messageExpiryInterval;
  const meta = Object.entries(user).filter((e): e is [string, string] => !RESERVED.has(e[0]) && typeof e[1] === 'string');
  const timeout = typeof user.timeout === 'string' ? Number(user.timeout) : expiry === undefined ? undefined : expiry * 1000;
  return {
    ...(meta.length > 0 ? { meta: Object.fromEntries(meta) } : {}),
    ...(timeout !== undefined && Number.isFinite(timeout) ? { timeout } : {}),
  };
}

/**
 * Milliseconds a request waited in the broker: by the clocks (its `sent`
 * user property), within what its expiry (whole seconds) shows, so a skew
 * between hosts' clocks counts at most a second.
 */
function waitedOf(packet: IPublishPacket): number {
  const user = packet.properties?.userProperties ?? {};
  const byClock = Date.now() - Number(user.sent);
  const timeout = Number(user.timeout);
  const left = packet.properties?.messageExpiryInterval;
  if (!Number.isFinite(timeout) || left === undefined) return Number.isFinite(byClock) ? Math.max(0, byClock) : 0;
  const seconds = Math.ceil(timeout / 1000) - left;
  const [low, high] = [Math.max(0, (seconds - 1) * 1000), (seconds + 1) * 1000];
  return Number.isFinite(byClock) ? Math.min(high, Math.max(low, byClock)) : low;
}

export class MqttWorker implements Listener {
  readonly url: URL;
  readonly #setup: Setup;
  readonly #server: MessageServer;
  readonly #client: MqttClient;
  readonly #presence: string;
  readonly #open = new Set<MqttDelivery>();
  readonly #hold: () => void;
  #closing = false;
  #settled: (() => void) | undefined;

  private constructor(setup: Setup, server: MessageServer, client: MqttClient, presence: string) {
    this.#setup = setup;
    this.url = setup.endpoint.display;
    this.#server = server;
    this.#client = client;
    this.#presence = presence;
    this.#hold = batchWrites(client);
  }

  static async start(setup: Setup, server: MessageServer): Promise<MqttWorker> {
    const { topics, options, endpoint } = setup;
    const presence = topics.worker(randomBytes(6).toString('base64url'));
    const client = await openClient(endpoint, options, {
      will: { topic: presence, payload: Buffer.alloc(0), qos: 1, retain: true },
      properties: { maximumPacketSize: options.maxFrameBytes * 2 + PACKET_SLACK },
    });
    const worker = new MqttWorker(setup, server, client, presence);
    client.on('message', (topic, payload, packet) => worker.#message(topic, payload, packet));
    try {
      await client.subscribeAsync({ [topics.shared]: { qos: options.qos }, [topics.control]: { qos: 1 } });
      await client.publishAsync(presence, '1', { qos: 1, retain: true });
    } catch (e) {
      client.end(true);
      throw e;
    }
    // After a broker restart mqtt.js resubscribes; the presence is announced again.
    client.on('connect', () => void client.publishAsync(presence, '1', { qos: 1, retain: true }).catch(() => {}));
    return worker;
  }

  #message(topic: string, payload: Buffer, packet: IPublishPacket): void {
    if (topic === this.#setup.topics.control) {
      return takeControl(this.#server, CALLER_LEFT, payload.toString());
    }
    const caller = packet.properties?.responseTopic;
    if (caller === undefined || this.#closing) return; // nobody to answer: a request without a response topic is dropped
    const { body, tooLarge } = messageBody(payload, this.#setup.options.maxFrameBytes);
    const d = new MqttDelivery(
      caller,
      body,
      waitedOf(packet),
      tooLarge,
      this,
      packet.properties?.correlationData,
      termsOf(packet),
      bodyLimit(this.#client),
    );
    this.#open.add(d);
    this.#server.deliver(d);
  }

  /** Publish an answer to its caller's response topic. */
  answer(caller: string, correlationData: Buffer | undefined, answer: Answer): void {
    // No message expiry: response topics are read by clean sessions, which the broker queues
    // nothing for, and the property cost the caller ~5 µs a call to parse (bench/README.md).
    const properties = { correlationData };
    this.#hold();
    this.#client.publish(caller, answer.text, { qos: this.#setup.options.qos, properties }, () => {});
  }

  ended(d: MqttDelivery): void {
    this.#open.delete(d);
    if (this.#open.size === 0) this.#settled?.();
  }

  /**
   * Stop taking requests and clear the presence (while the broker is there); wait until core has
   * ended or abandoned every delivery; leave, without waiting on a broker that is away.
   */
  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    const { topics } = this.#setup;
    const [client, end] = [this.#client, Date.now() + CLOSE_MS];
    await whileUp(client, end, () => client.unsubscribeAsync(topics.shared));
    await whileUp(client, end, () => client.publishAsync(this.#presence, '', { qos: 1, retain: true }));
    if (this.#open.size > 0) await new Promise<void>((r) => (this.#settled = r));
    await endClient(client);
  }
}
