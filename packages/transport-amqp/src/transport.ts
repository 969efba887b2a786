/**
 * The AMQP transport (RabbitMQ): calls through a work queue — competing
 * workers, manual acks, replies by direct reply-to — and events on the
 * `amq.topic` exchange.
 */
import { DEFAULT_WINDOWS, type EventBus, type EventCarrier, type MessageTransport } from '@interoffice/core';
import { amqpEndpoint } from './address.js';
import { AmqpClientConnection } from './client.js';
import { AmqpEventBus } from './events.js';
import { resolveOptions, type AmqpTransportOptions } from './options.js';
import { AmqpWorker } from './server.js';

/**
 * Server streams' item window: a grant goes through the broker's control exchange to the
 * worker, and with core's 64 a fast stream waited for it (30,000 items/s against 42,000 with
 * 256 and 50,000 with no flow control, 2026-12-05).
 */
const WINDOWS = { items: 256, inputs: DEFAULT_WINDOWS.inputs } as const;

/**
 * The AMQP transport, for `amqp:` and `amqps:` (TLS) URLs naming a
 * service's work queue: `amqp://127.0.0.1/calc` (`?vhost=` picks a vhost).
 *
 * @example
 * const transports = [amqpTransport({ username: 'calc', password: process.env.AMQP_PASSWORD })];
 * const server = await serve(impl, { listen: ['amqp://127.0.0.1/calc'], transports });
 * const calc = createClient(Calculator, await connect('amqp://127.0.0.1/calc', { transports }));
 */
export function amqpTransport(options: AmqpTransportOptions = {}): MessageTransport & EventCarrier {
  const o = resolveOptions(options);
  return {
    kind: 'messages',
    schemes: ['amqp', 'amqps'],
    maxFrameBytes: o.maxFrameBytes,
    windows: WINDOWS,
    connect: async (url, handler) => AmqpClientConnection.open(amqpEndpoint(url), o, handler),
    listen: async (url, server) => AmqpWorker.start(amqpEndpoint(url), o, server),
    events: (url): Promise<EventBus> => AmqpEventBus.open(amqpEndpoint(url), o),
  };
}
