/**
 * The NATS transport: calls by request/reply on the service subject, each
 * to one worker of its queue group (core mode), or through a JetStream work
 * queue (durable mode, `?mode=durable`); events on plain subjects.
 */
import type { EventBus, EventCarrier, MessageTransport } from '@interoffice/core';
import { natsEndpoint, requireSubject } from './address.js';
import { NatsClientConnection, type Setup } from './client.js';
import { queueSubject } from './durable.js';
import { openEventBus } from './events.js';
import { openLink } from './link.js';
import { resolveOptions, type NatsTransportOptions } from './options.js';
import { NatsWorker } from './server.js';

/**
 * The NATS transport, for `nats:` and `natss:` (TLS) URLs naming a subject:
 * `nats://127.0.0.1:4222/calc`, or `nats://127.0.0.1:4222/calc?mode=durable`.
 *
 * @example
 * const transports = [natsTransport()];
 * const server = await serve(impl, { listen: ['nats://127.0.0.1:4222/calc'], transports });
 * const calc = createClient(Calculator, await connect('nats://127.0.0.1:4222/calc', { transports }));
 */
export function natsTransport(options: NatsTransportOptions = {}): MessageTransport & EventCarrier {
  const o = resolveOptions(options);
  const setup = async (url: URL): Promise<Setup> => {
    const endpoint = natsEndpoint(url);
    const subject = requireSubject(endpoint);
    const link = await openLink(endpoint, o);
    return { link, endpoint, subject, queue: endpoint.durable ? queueSubject(subject) : undefined, options: o };
  };
  return {
    kind: 'messages',
    schemes: ['nats', 'natss'],
    maxFrameBytes: o.maxFrameBytes,
    connect: async (url, handler) => NatsClientConnection.open(await setup(url), handler),
    listen: async (url, server) => {
      const s = await setup(url);
      return NatsWorker.start(s, server).catch(async (e: unknown) => {
        await s.link.release();
        throw e;
      });
    },
    events: async (url): Promise<EventBus> => openEventBus(await openLink(natsEndpoint(url), o), o.logger),
  };
}
