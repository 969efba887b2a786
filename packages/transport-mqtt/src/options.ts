/** The MQTT transport's options and their defaults (docs/transports/mqtt.md explains each). */
import type { ConnectionOptions } from 'node:tls';
import { resolveTransportOptions, type TransportOptions } from '@interoffice/core';

/** Options of {@link mqttTransport} (and every transport's `maxFrameBytes` and `logger`). */
export interface MqttTransportOptions extends TransportOptions {
  /** Broker user; wins over the URL's. */
  username?: string;
  /** Broker password; wins over the URL's. */
  password?: string;
  /** TLS options for `mqtts:` URLs (`ca`, `cert`, `key`, `rejectUnauthorized`, ...); system CAs when absent. */
  tls?: ConnectionOptions;
  /** QoS of requests and answers: 1 (default) for at-least-once, 0 for at-most-once. */
  qos?: 0 | 1;
  /** The shared-subscription group workers compete in (`interoffice`). */
  group?: string;
  /** Time allowed to reach the broker when connecting (5,000 ms). */
  connectTimeoutMs?: number;
}

export type ResolvedOptions = Required<Omit<MqttTransportOptions, 'username' | 'password' | 'tls'>> &
  Pick<MqttTransportOptions, 'username' | 'password' | 'tls'>;

export function resolveOptions(o: MqttTransportOptions): ResolvedOptions {
  const base = resolveTransportOptions('mqttTransport', o);
  const group = o.group ?? 'interoffice';
  if (!/^[^/+#\s]+$/.test(group)) throw new TypeError(`mqttTransport: group must be one topic level (got ${group})`);
  if (o.qos !== undefined && o.qos !== 0 && o.qos !== 1)
    throw new TypeError(`mqttTransport: qos must be 0 or 1 (got ${String(o.qos)})`);
  const connectTimeoutMs = o.connectTimeoutMs ?? 5000;
  if (!(connectTimeoutMs >= 1)) throw new TypeError(`mqttTransport: connectTimeoutMs must be ≥ 1 (got ${connectTimeoutMs})`);
  return { ...o, ...base, qos: o.qos ?? 1, group, connectTimeoutMs };
}
