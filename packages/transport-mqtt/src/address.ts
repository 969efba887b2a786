/**
 * Endpoint URLs of the MQTT transport: `mqtt://[user[:password]@]host[:port]/<service>`,
 * and `mqtts://` for TLS (core's broker URL). The path names the service: its
 * request topic (topics.ts), which may hold `/` levels. Events use plain topic
 * names and ignore it.
 */
import { brokerAddress, requireName, type BrokerAddress } from '@interoffice/core';

const MQTT = { schemes: ['mqtt', 'mqtts'], ports: [1883, 8883] } as const;

/** Where the broker is and which service a URL names (its `name`). */
export type MqttEndpoint = BrokerAddress;

/** Parse an `mqtt:` or `mqtts:` URL; a clear TypeError for anything else. */
export function mqttEndpoint(url: URL): MqttEndpoint {
  const a = brokerAddress(url, MQTT);
  if (/[+#\s\0]/.test(a.name) || a.name.startsWith('$') || a.name.endsWith('/')) {
    throw new TypeError(`mqtt URL: the service must be a plain topic name (no + # $ spaces, no trailing /): ${a.name}`);
  }
  return a;
}

/** The service name, or a TypeError saying a call needs one. */
export const requireService = (e: MqttEndpoint): string => requireName(e, MQTT, 'the service');
