/**
 * Endpoint URLs of the AMQP transport:
 * `amqp://[user[:password]@]host[:port]/<queue>[?vhost=<vhost>]`, and
 * `amqps://` for TLS. The path names the work queue (not the vhost, as in
 * plain AMQP URIs: one URL names one service), so the vhost goes in the query.
 */
import type { Options } from 'amqplib';

/** Where the broker is and which queue a URL names. */
export interface AmqpEndpoint {
  /** What amqplib's `connect` takes. */
  readonly connect: Options.Connect;
  /** `amqps:` */
  readonly tls: boolean;
  /** The work queue: the path without its leading slash; `''` when absent. */
  readonly queue: string;
  /** The URL without its password, safe to print. */
  readonly display: URL;
}

/** Parse an `amqp:` or `amqps:` URL; a clear TypeError for anything else. */
export function amqpEndpoint(url: URL): AmqpEndpoint {
  if (url.protocol !== 'amqp:' && url.protocol !== 'amqps:') throw new TypeError(`not an amqp URL: ${url.href}`);
  if (url.hostname === '') throw new TypeError(`amqp URLs need a host, as in amqp://127.0.0.1/calc (got ${url.href})`);
  const tls = url.protocol === 'amqps:';
  const queue = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (queue.startsWith('amq.') || Buffer.byteLength(queue) > 255) {
    throw new TypeError(`amqp URL: a queue name may not start with "amq." nor pass 255 bytes: ${queue}`);
  }
  const display = new URL(url.href);
  display.password = '';
  return {
    connect: {
      protocol: tls ? 'amqps' : 'amqp',
      hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
      port: url.port === '' ? (tls ? 5671 : 5672) : Number(url.port),
      username: url.username === '' ? 'guest' : decodeURIComponent(url.username),
      password: url.password === '' ? 'guest' : decodeURIComponent(url.password),
      vhost: url.searchParams.get('vhost') ?? '/',
    },
    tls,
    queue,
    display,
  };
}

/** The queue name, or a TypeError saying a call needs one. */
export function requireQueue(endpoint: AmqpEndpoint): string {
  if (endpoint.queue === '') {
    throw new TypeError(
      `amqp URLs for calls name the service's queue, as in amqp://127.0.0.1/calc (got ${endpoint.display.href})`,
    );
  }
  return endpoint.queue;
}
