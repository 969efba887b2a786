/**
 * The Redis transport: calls through a work queue — a stream per service,
 * competing workers in a consumer group, replies on a list per client — and
 * events on plain pub/sub channels.
 */
import type { EventBus, EventCarrier, MessageTransport } from '@interoffice/core';
import { redisEndpoint, requireService, type RedisEndpoint } from './address.js';
import { RedisClientConnection } from './client.js';
import { Connector } from './connector.js';
import { openEventBus } from './events.js';
import { keysFor } from './keys.js';
import { resolveOptions, type RedisTransportOptions } from './options.js';
import { RedisWorker } from './server.js';

/**
 * The Redis transport, for `redis:` and `rediss:` (TLS) URLs naming a
 * service's queue: `redis://127.0.0.1:6379/calc`.
 *
 * @example
 * const transports = [redisTransport({ username: 'calc', password: process.env.REDIS_PASSWORD })];
 * const server = await serve(impl, { listen: ['redis://127.0.0.1:6379/calc'], transports });
 * const calc = createClient(Calculator, await connect('redis://127.0.0.1:6379/calc', { transports }));
 */
export function redisTransport(options: RedisTransportOptions = {}): MessageTransport & EventCarrier {
  const o = resolveOptions(options);
  const connectors = new Map<string, Connector>();
  const connectorFor = (e: RedisEndpoint): Connector => {
    const key = JSON.stringify([e.tls, e.host, e.port, e.db, e.username, e.password]);
    let c = connectors.get(key);
    if (c === undefined) connectors.set(key, (c = new Connector(e, o)));
    return c;
  };
  const setup = (url: URL) => {
    const e = redisEndpoint(url);
    const service = requireService(e);
    return { connector: connectorFor(e), keys: keysFor(o.keyPrefix, service), service, options: o, url: e.display };
  };
  return {
    kind: 'messages',
    schemes: ['redis', 'rediss'],
    maxFrameBytes: o.maxFrameBytes,
    connect: async (url, handler) => RedisClientConnection.open(setup(url), handler),
    listen: async (url, server) => RedisWorker.start(setup(url), server),
    events: async (url): Promise<EventBus> => openEventBus(connectorFor(redisEndpoint(url)), o.logger),
  };
}
