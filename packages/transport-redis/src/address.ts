/**
 * Endpoint URLs of the Redis transport:
 * `redis://[user[:password]@]host[:port]/<service>[?db=<n>]`, and `rediss://`
 * for TLS (core's broker URL). The path names the queue (and the hash tag of
 * its keys); events use plain channel names and ignore it.
 */
import { brokerAddress, requireName, type BrokerAddress } from '@interoffice/core';

const REDIS = { schemes: ['redis', 'rediss'], ports: [6379, 6379] } as const;

/** Where Redis is and which queue a URL names (its `name`). */
export interface RedisEndpoint extends BrokerAddress {
  /** The logical database (`?db=`); Redis Cluster has only 0. */
  readonly db: number;
}

/** Parse a `redis:` or `rediss:` URL; a clear TypeError for anything else. */
export function redisEndpoint(url: URL): RedisEndpoint {
  const a = brokerAddress(url, REDIS);
  const dbText = url.searchParams.get('db') ?? '0';
  const db = Number(dbText);
  if (!Number.isInteger(db) || db < 0) throw new TypeError(`redis URL: db must be a whole number ≥ 0 (got ${dbText})`);
  if (/[{}\s]/.test(a.name)) {
    throw new TypeError(`redis URL: the service name may not hold braces or spaces (they would break its hash tag): ${a.name}`);
  }
  return { ...a, db };
}

/** The service (queue) name, or a TypeError saying a call needs one. */
export const requireService = (e: RedisEndpoint): string => requireName(e, REDIS, "the service's queue");
