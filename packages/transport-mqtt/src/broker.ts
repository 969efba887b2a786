/**
 * Opening one MQTT 5 connection to the broker a URL names. The first
 * connect fails fast with a named error (UNAUTHENTICATED for refused
 * credentials, UNAVAILABLE otherwise); afterwards mqtt.js reconnects by
 * itself and resubscribes.
 */
import { bounded, RpcError } from '@interoffice/core';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { MqttEndpoint } from './address.js';
import type { ResolvedOptions } from './options.js';

export type { MqttClient };

/** Room left in a packet for its topic and properties when the broker caps packet size. */
const PACKET_ROOM = 4096;
const limits = new WeakMap<MqttClient, number>();

/**
 * The largest message body the broker takes from `client`: its CONNACK's maximum packet size
 * (Mosquitto's `max_packet_size`) less room for the topic and properties, or undefined when it
 * sets none. A larger packet would make the broker drop the connection.
 */
export const bodyLimit = (client: MqttClient): number | undefined => limits.get(client);

/** CONNACK reason codes that mean the broker refused who we are. */
const REFUSED = new Set([134, 135, 4, 5]); // bad user name or password, not authorized (and MQTT 3's)

/** A connection to the broker, with `extra` options (a will, a maximum packet size). */
export async function openClient(e: MqttEndpoint, o: ResolvedOptions, extra: IClientOptions = {}): Promise<MqttClient> {
  const client = mqtt.connect({
    ...((e.tls ? o.tls : {}) as IClientOptions),
    protocol: e.tls ? 'mqtts' : 'mqtt',
    host: e.host,
    port: e.port,
    protocolVersion: 5,
    username: o.username ?? e.username,
    password: o.password ?? e.password,
    connectTimeout: o.connectTimeoutMs,
    reconnectPeriod: 250,
    ...extra,
  });
  // Without it, small messages wait on Nagle's algorithm and the peer's delayed ACKs (40 ms a round trip).
  const noDelay = (): void => (client.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
  client.on('connect', (ack) => {
    noDelay();
    const max = ack.properties?.maximumPacketSize;
    if (max === undefined) limits.delete(client);
    else limits.set(client, Math.max(0, max - PACKET_ROOM));
  });
  let onError: (err: Error & { code?: unknown }) => void = () => {};
  const onClose = (): void => onError(new Error('the connection closed'));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => onError(new Error('timed out')), o.connectTimeoutMs);
      onError = (err) => {
        clearTimeout(timer);
        const code = typeof err.code === 'number' && REFUSED.has(err.code) ? 'UNAUTHENTICATED' : 'UNAVAILABLE';
        reject(new RpcError(code, `cannot connect to ${e.display.href}: ${err.message}`));
      };
      client.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
      client.on('error', (err) => onError(err));
      client.once('close', onClose);
    });
  } catch (err) {
    client.end(true);
    throw err;
  } finally {
    client.off('close', onClose);
  }
  onError = () => {}; // later errors show as reconnects
  return client;
}

/** How long closing may wait for the broker: for the polite steps together, then for the end. */
export const CLOSE_MS = 2000;

/** `step`, while `client` is connected, until `end` (epoch ms): mqtt.js holds what it cannot send until it reconnects. */
export async function whileUp(client: MqttClient, end: number, step: () => Promise<unknown>): Promise<void> {
  if (client.connected) await bounded(step(), Math.max(0, end - Date.now()));
}

/**
 * End `client`'s connection without waiting on the broker for more than {@link CLOSE_MS}.
 * mqtt.js's polite end waits for the acknowledgement of every QoS 1 message in flight, and,
 * ending, no longer reconnects: with the broker away it waits for ever. So what is still in
 * flight fails now ("Message removed"; what was written goes out before the DISCONNECT all the
 * same), and a connection that is down ends at once. A broker that stalls never closes its side
 * of the connection, which mqtt.js's end also waits for: the socket is destroyed after the wait.
 */
export async function endClient(client: MqttClient): Promise<void> {
  for (const id of Object.keys(client.outgoing)) client.removeOutgoingMessage(Number(id));
  const ended = client.endAsync(!client.connected);
  await bounded(ended, CLOSE_MS);
  client.stream.destroy();
  await bounded(ended, CLOSE_MS);
}
