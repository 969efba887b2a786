/**
 * MQTT rows: a hand-written mqtt.js MQTT 5 request/response (publish with a
 * response topic and correlation data; the worker in a shared subscription
 * publishes the sum back) as the baseline, and the Interoffice MQTT
 * transport, each at QoS 1 and QoS 0. All use the Mosquitto at MQTT_URL
 * (default 127.0.0.1:1883) and are left out when none answers.
 */
import { randomBytes } from 'node:crypto';
import { connect, serve } from '@interoffice/core';
import { mqttAvailable, mqttTransport } from '@interoffice/transport-mqtt';
import mqtt from 'mqtt';
import type { Caller } from '../measure.js';
import { benchCaller, benchImpl } from '../service.js';
import type { Row, StartServer } from './row.js';

const base = (process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883').replace(/^(mqtts?:\/\/[^/?]+).*$/, '$1');
const available = (): Promise<boolean> => mqttAvailable(base);
const qosOf = (url: URL): 0 | 1 => (url.searchParams.get('qos') === '0' ? 0 : 1);
const topicOf = (url: URL): string => decodeURIComponent(url.pathname.slice(1));

/** mqtt.js leaves Nagle's algorithm on: the baseline turns it off as our transport does. */
function noDelay(c: mqtt.MqttClient): mqtt.MqttClient {
  (c.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
  return c;
}

/** The baseline worker: take a request from the shared subscription, publish the sum to its response topic. */
async function rawServer(url: URL): Promise<URL> {
  const qos = qosOf(url);
  const c = noDelay(await mqtt.connectAsync(`mqtt://${url.host}`, { protocolVersion: 5 }));
  c.on('message', (_t, payload, packet) => {
    const { a, b, s } = JSON.parse(payload.toString()) as { a: number; b: number; s?: string };
    const { responseTopic, correlationData } = packet.properties ?? {};
    if (responseTopic !== undefined)
      c.publish(responseTopic, JSON.stringify(s ?? a + b), { qos, properties: { correlationData } });
  });
  await c.subscribeAsync(`$share/raw/${topicOf(url)}`, { qos });
  return url;
}

/** The baseline client: one response topic, calls told apart by correlation data. */
async function rawClient(url: URL): Promise<Caller> {
  const qos = qosOf(url);
  const c = noDelay(await mqtt.connectAsync(`mqtt://${url.host}`, { protocolVersion: 5 }));
  const replies = `${topicOf(url)}/replies/${randomBytes(6).toString('hex')}`;
  const waiting = new Map<string, (value: unknown) => void>();
  c.on('message', (_t, payload, packet) => {
    const key = packet.properties?.correlationData?.toString() ?? '';
    waiting.get(key)?.(JSON.parse(payload.toString()));
    waiting.delete(key);
  });
  await c.subscribeAsync(replies, { qos });
  let i = 0;
  const ask = (body: (n: number) => object): Promise<unknown> =>
    new Promise((resolve) => {
      const n = ++i;
      waiting.set(String(n), resolve);
      const properties = { responseTopic: replies, correlationData: Buffer.from(String(n)) };
      c.publish(topicOf(url), JSON.stringify(body(n)), { qos, properties });
    });
  return {
    call: () => ask((n) => ({ a: n, b: 1 })),
    echo: (s) => ask(() => ({ s })),
    close: () => c.endAsync(),
  };
}

const ours = (url: URL) => mqttTransport({ qos: qosOf(url) });
const strip = (url: URL): URL => new URL(url.href.replace(/\?.*$/, ''));

async function interoffice(url: URL): Promise<Caller> {
  const channel = await connect(strip(url), { transports: [ours(url)] });
  return benchCaller(channel);
}

export const servers: Record<string, StartServer> = {
  'mqtt-raw': rawServer,
  'interoffice-mqtt': async (url) => {
    await serve(benchImpl, { listen: [strip(url)], transports: [ours(url)] });
    return url; // keeps its ?qos= for the client
  },
};

const topic = `${base}/bench-${process.pid}-$N`;

// At QoS 1 run the broker with `set_tcp_nodelay true`: Mosquitto's default leaves Nagle's algorithm
// on, and each round trip then waits ~40 ms for a delayed ACK (docs/transports/mqtt.md#tcp_nodelay).
export const rows: Row[] = [1, 0].flatMap((qos) => {
  const raw = `raw mqtt.js MQTT 5 request/response (QoS ${qos})`;
  const address = `${topic}?qos=${qos}`;
  return [
    // The curves take QoS 1's pair only.
    { name: raw, server: 'mqtt-raw', address, available, client: rawClient, ...(qos === 0 ? { curve: false as const } : {}) },
    {
      name: `interoffice mqtt (QoS ${qos})`,
      baseline: raw,
      server: 'interoffice-mqtt',
      address,
      available,
      client: interoffice,
      ...(qos === 0 ? { curve: false as const } : {}),
    },
  ];
});
