/**
 * A client's side of the MQTT transport, as one core {@link MessageConnection}
 * on its own MQTT connection: each request is published to the service's
 * topic with this client's response topic, correlation data, the deadline
 * as message expiry plus a `timeout` user property, and the metadata as user
 * properties; answers arrive on the response topic; cancels and the goodbye
 * (also the connection's will, should the process die) go to the control topic.
 *
 * Publishing to a topic nobody subscribes loses the message, so the client
 * follows the workers' retained presence: it does not connect while no
 * worker serves, and closes with UNAVAILABLE when the last one leaves or
 * the broker is lost (answers published meanwhile would be lost too).
 */
import { randomBytes } from 'node:crypto';
import {
  CALLER_LEFT,
  controlText,
  takeAnswer,
  type ControlRecord,
  RpcError,
  type MessageConnection,
  type MessageHandler,
  type OutgoingRequest,
  type Peer,
  type RequestId,
} from '@interoffice/core';
import type { IPublishPacket } from 'mqtt';
import type { MqttEndpoint } from './address.js';
import { bodyLimit, endClient, openClient, type MqttClient } from './broker.js';
import { batchWrites } from './write-batch.js';
import type { ResolvedOptions } from './options.js';
import type { Topics } from './topics.js';

/** Room for an MQTT packet's header and properties around a message. */
export const PACKET_SLACK = 64 * 1024;

export interface Setup {
  readonly endpoint: MqttEndpoint;
  readonly topics: Topics;
  readonly options: ResolvedOptions;
}

/** User properties of a request: when it was sent (epoch ms), its timeout (ms) when it has one, then its metadata. */
export function requestProperties(request: OutgoingRequest): Record<string, string> {
  const props: Record<string, string> = { interoffice: '1', sent: String(Date.now()) };
  if (request.deadline !== Infinity) props.timeout = String(Math.max(0, Math.ceil(request.deadline - Date.now())));
  for (const [k, v] of Object.entries(request.fields?.meta ?? {})) if (!(k in props)) props[k] = v;
  return props;
}

/** Message expiry in whole seconds (at least 1) for a deadline; undefined for none. */
function expiryOf(deadline: number): number | undefined {
  return deadline === Infinity ? undefined : Math.max(1, Math.ceil((deadline - Date.now()) / 1000));
}

export class MqttClientConnection implements MessageConnection {
  readonly maxFrameBytes: number;
  readonly peer: Peer;
  readonly #setup: Setup;
  readonly #handler: MessageHandler;
  readonly #client: MqttClient;
  readonly #reply: string;
  readonly #workers = new Set<string>();
  #seq = 0;
  #closed = false;
  #probed: (() => void) | undefined;
  /** Why calls may be lost: a worker left while others remain (MQTT hands nobody its calls). */
  #lost: string | undefined;

  readonly #hold: () => void;

  private constructor(setup: Setup, handler: MessageHandler, client: MqttClient, reply: string) {
    this.#setup = setup;
    this.#handler = handler;
    this.#client = client;
    this.#reply = reply;
    this.#hold = batchWrites(client);
    // Core refuses a request the broker would not take (it would drop the connection for it).
    this.maxFrameBytes = Math.min(setup.options.maxFrameBytes, bodyLimit(client) ?? Infinity);
    this.peer = { transport: 'mqtt', address: setup.endpoint.display.href };
  }

  /** Connect, subscribe the response topic and the workers' presence, and check someone serves. */
  static async open(setup: Setup, handler: MessageHandler): Promise<MqttClientConnection> {
    const { topics, options, endpoint } = setup;
    const reply = topics.replies(randomBytes(9).toString('base64url'));
    const client = await openClient(endpoint, options, {
      will: { topic: topics.control, payload: Buffer.from(controlText(CALLER_LEFT, { caller: reply, left: true })), qos: 1 },
      properties: { maximumPacketSize: options.maxFrameBytes * 2 + PACKET_SLACK },
    });
    const conn = new MqttClientConnection(setup, handler, client, reply);
    try {
      client.on('message', (topic, payload, packet) => conn.#message(topic, payload, packet));
      const probed = new Promise<void>((r) => (conn.#probed = r));
      await client.subscribeAsync({ [reply]: { qos: options.qos }, [topics.workers]: { qos: 1 } });
      // The retained presence comes before our own probe, which the broker routes after the subscription.
      await client.publishAsync(reply, '', { qos: 1, properties: { userProperties: { probe: '1' } } });
      await probed;
      conn.#probed = undefined;
      if (conn.#workers.size === 0)
        throw new RpcError('UNAVAILABLE', `no worker serves ${topics.requests} at ${endpoint.display.href}`);
    } catch (e) {
      client.end(true);
      throw e instanceof RpcError
        ? e
        : new RpcError('UNAVAILABLE', `cannot open a client on ${endpoint.display.href}: ${String(e)}`);
    }
    client.on('offline', () => conn.#shutdown(new RpcError('UNAVAILABLE', `lost the broker at ${endpoint.display.href}`)));
    return conn;
  }

  send(request: OutgoingRequest): void {
    if (this.#closed) return;
    const { options, topics } = this.#setup;
    const correlationData = Buffer.from(String(++this.#seq));
    const properties = {
      responseTopic: this.#reply,
      correlationData,
      messageExpiryInterval: expiryOf(request.deadline),
      userProperties: requestProperties(request),
    };
    this.#hold();
    this.#client.publish(topics.requests, request.text, { qos: options.qos, properties }, (err, packet) => {
      if (err !== undefined && err !== null) {
        const code = (err as { code?: number }).code === 149 ? 'RESOURCE_EXHAUSTED' : 'UNAVAILABLE';
        this.#refuse(request, new RpcError(code, `the broker refused the request: ${err.message}`));
      } else if ((packet as { reasonCode?: number } | undefined)?.reasonCode === 16) {
        this.#refuse(request, new RpcError('UNAVAILABLE', `no worker serves ${topics.requests} at ${this.peer.address}`));
      }
    });
  }

  cancel(id: RequestId): void {
    this.#control({ caller: this.#reply, cancel: id });
  }

  /** Credit for a stream's items travels as a cancel does: every worker hears it, the one running the call applies it. */
  credit(id: RequestId, n: number): void {
    this.#control({ caller: this.#reply, credit: id, n });
  }

  whyUnanswered(): string | undefined {
    return this.#lost;
  }

  close(): void {
    this.#shutdown(undefined);
  }

  #refuse(request: OutgoingRequest, error: RpcError): void {
    if (request.ids.length > 0 && !this.#closed) this.#handler.refused(request, error);
  }

  #control(record: ControlRecord): void {
    if (!this.#closed) this.#client.publish(this.#setup.topics.control, controlText(CALLER_LEFT, record), { qos: 1 }, () => {});
  }

  #message(topic: string, payload: Buffer, packet: IPublishPacket): void {
    if (this.#closed) return;
    if (topic === this.#reply) {
      if (packet.properties?.userProperties?.probe !== undefined) this.#probed?.();
      else takeAnswer(this.#handler, payload, this.maxFrameBytes);
      return;
    }
    const worker = topic.slice(topic.lastIndexOf('/') + 1);
    if (payload.length > 0) this.#workers.add(worker);
    else if (this.#workers.delete(worker) && this.#probed === undefined) {
      const service = this.#setup.topics.requests;
      this.#lost = `worker ${worker} of ${service} left at ${new Date().toISOString()}; calls it held are lost`;
      if (this.#workers.size === 0)
        this.#shutdown(new RpcError('UNAVAILABLE', `every worker of ${service} left; calls there are lost`));
    }
  }

  #shutdown(error: RpcError | undefined): void {
    if (this.#closed) return;
    this.#control({ caller: this.#reply, left: true }); // workers abort what still runs for us
    this.#closed = true;
    // A normal disconnect (the will is not sent), not held up by a broker that stalls: the process can exit.
    void endClient(this.#client);
    queueMicrotask(() => this.#handler.closed(error));
  }
}
