/**
 * The MQTT transport: calls as MQTT 5 request/response — requests on a
 * topic per service taken by competing workers (a shared subscription),
 * answers on each client's response topic — and events on plain topics.
 */
import type { EventBus, EventCarrier, MessageTransport } from '@interoffice/core';
import { mqttEndpoint, requireService } from './address.js';
import { openClient } from './broker.js';
import { MqttClientConnection, type Setup } from './client.js';
import { MqttEventBus } from './events.js';
import { resolveOptions, type MqttTransportOptions } from './options.js';
import { MqttWorker } from './server.js';
import { topicsFor } from './topics.js';

/**
 * The MQTT transport, for `mqtt:` and `mqtts:` (TLS) URLs naming a
 * service's topic: `mqtt://127.0.0.1:1883/calc`. Needs an MQTT 5 broker.
 *
 * @example
 * const transports = [mqttTransport()];
 * const server = await serve(impl, { listen: ['mqtt://127.0.0.1:1883/calc'], transports });
 * const calc = createClient(Calculator, await connect('mqtt://127.0.0.1:1883/calc', { transports }));
 */
export function mqttTransport(options: MqttTransportOptions = {}): MessageTransport & EventCarrier {
  const o = resolveOptions(options);
  const setup = (url: URL): Setup => {
    const endpoint = mqttEndpoint(url);
    return { endpoint, topics: topicsFor(requireService(endpoint), o.group), options: o };
  };
  return {
    kind: 'messages',
    schemes: ['mqtt', 'mqtts'],
    maxFrameBytes: o.maxFrameBytes,
    connect: async (url, handler) => MqttClientConnection.open(setup(url), handler),
    listen: async (url, server) => MqttWorker.start(setup(url), server),
    events: async (url): Promise<EventBus> => new MqttEventBus(await openClient(mqttEndpoint(url), o), o.logger),
  };
}
