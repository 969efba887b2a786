/**
 * Endpoint URLs of the AMQP transport:
 * `amqp://[user[:password]@]host[:port]/<queue>[?vhost=<vhost>]`, and
 * `amqps://` for TLS (core's broker URL). The path names the work queue (not
 * the vhost, as in plain AMQP URIs: one URL names one service), so the vhost
 * goes in the query.
 */
import { brokerAddress, requireName, type BrokerAddress } from '@interoffice/core';
import type { Options } from 'amqplib';

const AMQP = { schemes: ['amqp', 'amqps'], ports: [5672, 5671] } as const;

/** Where the broker is and which queue a URL names (its `name`). */
export interface AmqpEndpoint extends BrokerAddress {
  /** What amqplib's `connect` takes. */
  readonly connect: Options.Connect;
}

/** Parse an `amqp:` or `amqps:` URL; a clear TypeError for anything else. */
export function amqpEndpoint(url: URL): AmqpEndpoint {
  const a = brokerAddress(url, AMQP);
  if (a.name.startsWith('amq.') || Buffer.byteLength(a.name) > 255) {
    throw new TypeError(`amqp URL: a queue name may not start with "amq." nor pass 255 bytes: ${a.name}`);
  }
  const connect: Options.Connect = {
    protocol: a.tls ? 'amqps' : 'amqp',
    hostname: a.host,
    port: a.port,
    username: a.username ?? 'guest',
    password: a.password ?? 'guest',
    vhost: url.searchParams.get('vhost') ?? '/',
  };
  return { ...a, connect };
}

/** The queue name, or a TypeError saying a call needs one. */
export const requireQueue = (e: AmqpEndpoint): string => requireName(e, AMQP, "the service's queue");
