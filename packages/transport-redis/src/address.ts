/**
 * Endpoint URLs of the Redis transport:
 * `redis://[user[:password]@]host[:port]/<service>[?db=<n>]`, and `rediss://`
 * for TLS. The path names the queue (and the hash tag of its keys); events
 * use plain channel names and ignore it.
 */

/** Where Redis is and which queue a URL names. */
export interface RedisEndpoint {
  readonly host: string;
  readonly port: number;
  /** `rediss:` */
  readonly tls: boolean;
  /** The logical database (`?db=`); Redis Cluster has only 0. */
  readonly db: number;
  /** ACL user and password from the URL's userinfo, if any. */
  readonly username: string | undefined;
  readonly password: string | undefined;
  /** The service (queue) name: the path without its leading slash; `''` when absent. */
  readonly service: string;
  /** The URL without its password, safe to print. */
  readonly display: URL;
}

/** Parse a `redis:` or `rediss:` URL; a clear TypeError for anything else. */
export function redisEndpoint(url: URL): RedisEndpoint {
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new TypeError(`not a redis URL: ${url.href}`);
  if (url.hostname === '') throw new TypeError(`redis URLs need a host, as in redis://127.0.0.1:6379/calc (got ${url.href})`);
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const port = url.port === '' ? 6379 : Number(url.port);
  const dbText = url.searchParams.get('db') ?? '0';
  const db = Number(dbText);
  if (!Number.isInteger(db) || db < 0) throw new TypeError(`redis URL: db must be a whole number ≥ 0 (got ${dbText})`);
  const service = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (/[{}\s]/.test(service)) {
    throw new TypeError(`redis URL: the service name may not hold braces or spaces (they would break its hash tag): ${service}`);
  }
  const display = new URL(url.href);
  display.password = '';
  return {
    host,
    port,
    tls: url.protocol === 'rediss:',
    db,
    username: url.username === '' ? undefined : decodeURIComponent(url.username),
    password: url.password === '' ? undefined : decodeURIComponent(url.password),
    service,
    display,
  };
}

/** The service name, or a TypeError saying a call needs one. */
export function requireService(endpoint: RedisEndpoint): string {
  if (endpoint.service === '') {
    throw new TypeError(
      `redis URLs for calls name the service's queue, as in redis://127.0.0.1:6379/calc (got ${endpoint.display.href})`,
    );
  }
  return endpoint.service;
}
