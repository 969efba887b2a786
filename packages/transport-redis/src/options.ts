/** The Redis transport's options and their defaults (docs/transports/redis.md explains each). */
import type { ConnectionOptions } from 'node:tls';
import { atLeast, resolveTransportOptions, type TransportOptions } from '@interoffice/core';
import { DEFAULT_KEY_PREFIX } from './keys.js';

/** Connect through Redis Sentinel instead of to the URL's host. */
export interface SentinelOptions {
  /** The monitored master's name (`sentinel monitor <name> ...`). */
  name: string;
  /** The sentinels to ask; the URL's host and port when absent. */
  sentinels?: { host: string; port: number }[];
  /** Credentials of the sentinels themselves, when they need any. */
  username?: string;
  password?: string;
  /** Use TLS to the sentinels too (`rediss:` URLs). */
  tls?: boolean;
}

/** Options of {@link redisTransport} (and every transport's `maxFrameBytes` and `logger`). */
export interface RedisTransportOptions extends TransportOptions {
  /** Namespace of every key, before the service's hash tag: `<keyPrefix>{<service>}:requests` (`interoffice:`). */
  keyPrefix?: string;
  /** ACL user; wins over the URL's. */
  username?: string;
  /** Password (of the ACL user, or `requirepass`); wins over the URL's. */
  password?: string;
  /** TLS options for `rediss:` URLs (`ca`, `cert`, `key`, `rejectUnauthorized`, ...); system CAs when absent. */
  tls?: ConnectionOptions;
  /** Reach the master through Redis Sentinel. */
  sentinel?: SentinelOptions;
  /** Redis Cluster: `'auto'` (default) asks the URL's node whether it is one; `true`/`false` skip asking. */
  cluster?: boolean | 'auto';
  /** Requests a service's queue may hold (waiting or running) before new calls get RESOURCE_EXHAUSTED (100,000). */
  maxQueueLength?: number;
  /**
   * A call made while no worker is alive: `'queue'` (default) waits in the
   * queue until one starts or the deadline passes; `'fail'` fails at once
   * with UNAVAILABLE, as a socket does when nobody listens (`waitForReady`
   * calls then wait for a worker).
   */
  whenNoWorkers?: 'queue' | 'fail';
  /** Worker: requests run at once (64); the rest wait in the queue for any worker. */
  concurrency?: number;
  /**
   * Worker: a request held by a worker that has not shown signs of life for
   * this long (a crash, kill -9) is delivered to another worker (10,000 ms).
   * Live workers renew their hold every third of it, however long a call runs.
   */
  visibilityTimeoutMs?: number;
  /**
   * Worker: how long a finished call's response is kept under its
   * idempotency key, so that a redelivered copy is answered with it and not
   * run again: until the call's deadline, at most this (300,000 ms); 0 keeps none.
   */
  resultTtlMs?: number;
  /** A reply list nobody reads expires this long after its last push (60,000 ms). */
  replyTtlMs?: number;
  /** Time allowed to reach Redis when connecting (5,000 ms). */
  connectTimeoutMs?: number;
}

export type ResolvedOptions = Required<Omit<RedisTransportOptions, 'username' | 'password' | 'tls' | 'sentinel'>> &
  Pick<RedisTransportOptions, 'username' | 'password' | 'tls' | 'sentinel'>;

const positive = (name: string, value: number, min = 1): number => atLeast('redisTransport', name, value, min);

export function resolveOptions(o: RedisTransportOptions): ResolvedOptions {
  if (o.keyPrefix !== undefined && /[{}]/.test(o.keyPrefix)) throw new TypeError('redisTransport: keyPrefix may not hold braces');
  const base = resolveTransportOptions('redisTransport', o);
  return {
    ...o,
    ...base,
    keyPrefix: o.keyPrefix ?? DEFAULT_KEY_PREFIX,
    cluster: o.cluster ?? 'auto',
    maxQueueLength: positive('maxQueueLength', o.maxQueueLength ?? 100_000),
    whenNoWorkers: o.whenNoWorkers ?? 'queue',
    concurrency: positive('concurrency', o.concurrency ?? 64),
    visibilityTimeoutMs: positive('visibilityTimeoutMs', o.visibilityTimeoutMs ?? 10_000, 300),
    resultTtlMs: positive('resultTtlMs', o.resultTtlMs ?? 300_000, 0),
    replyTtlMs: positive('replyTtlMs', o.replyTtlMs ?? 60_000, 1000),
    connectTimeoutMs: positive('connectTimeoutMs', o.connectTimeoutMs ?? 5000),
  };
}
