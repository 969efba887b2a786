/**
 * Opens ioredis connections to one Redis deployment — a single server,
 * Sentinel or Cluster (asked once) — each with the settings of its role.
 */
import { isIP } from 'node:net';
import { RpcError, type Code } from '@interoffice/core';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { RedisEndpoint } from './address.js';
import type { ResolvedOptions } from './options.js';
import { SCRIPTS } from './scripts.js';

/** A connection to a single server or a cluster: both take `call`. */
export type RedisClient = Redis | Cluster;

/**
 * - `calls`: a client's commands; while Redis is away they fail at once (the
 *   call fails with UNAVAILABLE) instead of waiting, so no request is sent late.
 * - `work`: a worker's commands; they wait for Redis to come back.
 * - `blocking`: one blocking read at a time; waits for Redis to come back.
 * - `subscriber`: pub/sub; resubscribes after a reconnect.
 */
export type Role = 'calls' | 'work' | 'blocking' | 'subscriber';

// No auto-pipelining: it defers every command to a setImmediate, which cost more latency
// and (on a busy loop) more throughput than the writes it saves (bench/src/rows/redis.ts).
const byRole: Record<Role, Partial<RedisOptions>> = {
  calls: { enableOfflineQueue: false, maxRetriesPerRequest: null },
  work: { enableOfflineQueue: true, maxRetriesPerRequest: null },
  blocking: { enableOfflineQueue: true, maxRetriesPerRequest: null },
  subscriber: { enableOfflineQueue: true, maxRetriesPerRequest: null },
};

/** Reconnect soon after a loss: 50 ms, growing to 1 s. */
const retry = (times: number): number => Math.min(times * 50, 1000);

/** The code for a Redis error: refused credentials and ACL denials are not outages. */
export function codeOf(message: string): Code {
  if (/\b(WRONGPASS|NOAUTH)\b/.test(message)) return 'UNAUTHENTICATED';
  if (/\bNOPERM\b/.test(message)) return 'PERMISSION_DENIED';
  return 'UNAVAILABLE';
}

export class Connector {
  readonly #endpoint: RedisEndpoint;
  readonly #options: ResolvedOptions;
  #cluster: Promise<boolean> | undefined;

  constructor(endpoint: RedisEndpoint, options: ResolvedOptions) {
    this.#endpoint = endpoint;
    this.#options = options;
  }

  /** Where this connects, for messages. */
  get where(): string {
    const s = this.#options.sentinel;
    return s === undefined ? `Redis at ${this.#endpoint.host}:${this.#endpoint.port}` : `Redis master ${s.name} (via Sentinel)`;
  }

  /** An open connection for `role`; rejects with UNAVAILABLE (or UNAUTHENTICATED...) when Redis does not answer. */
  async open(role: Role): Promise<RedisClient> {
    const cluster = await this.#isCluster();
    const client = cluster ? this.#clusterClient(role) : new Redis(this.#redisOptions(role));
    for (const script of SCRIPTS) script.define(client);
    return this.#connect(client);
  }

  #isCluster(): Promise<boolean> {
    const o = this.#options;
    if (o.cluster !== 'auto' || o.sentinel !== undefined) return Promise.resolve(o.cluster === true);
    this.#cluster ??= (async () => {
      const probe = await this.#connect(new Redis(this.#redisOptions('calls')));
      try {
        return /cluster_enabled:1/.test(String(await probe.call('INFO', 'cluster')));
      } finally {
        probe.disconnect();
      }
    })().catch((e: unknown) => {
      this.#cluster = undefined; // ask again next time
      throw e;
    });
    return this.#cluster;
  }

  #redisOptions(role: Role): RedisOptions {
    const e = this.#endpoint;
    const o = this.#options;
    const tls = e.tls ? { ...(isIP(e.host) === 0 ? { servername: e.host } : {}), ...o.tls } : undefined;
    const common: RedisOptions = {
      ...byRole[role],
      username: o.username ?? e.username,
      password: o.password ?? e.password,
      db: e.db,
      tls,
      lazyConnect: true,
      connectTimeout: o.connectTimeoutMs,
      keepAlive: 15_000,
      noDelay: true,
      retryStrategy: retry,
      connectionName: `interoffice-${role}`,
    };
    const s = o.sentinel;
    if (s === undefined) return { ...common, host: e.host, port: e.port };
    return {
      ...common,
      name: s.name,
      sentinels: s.sentinels ?? [{ host: e.host, port: e.port }],
      sentinelUsername: s.username,
      sentinelPassword: s.password,
      enableTLSForSentinelMode: s.tls ?? e.tls,
      sentinelRetryStrategy: retry,
    };
  }

  #clusterClient(role: Role): Cluster {
    if (this.#endpoint.db !== 0) throw new TypeError('Redis Cluster has only database 0: drop ?db= from the URL');
    const { enableOfflineQueue, ...redisOptions } = this.#redisOptions(role);
    delete redisOptions.db;
    return new Cluster([{ host: this.#endpoint.host, port: this.#endpoint.port }], {
      lazyConnect: true,
      enableOfflineQueue,
      clusterRetryStrategy: retry,
      redisOptions,
    });
  }

  async #connect<C extends RedisClient>(client: C): Promise<C> {
    let last: Error | undefined;
    const remember = (e: Error): void => void (last = e);
    client.on('error', remember);
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await Promise.race([
        client.connect(),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timed out')), this.#options.connectTimeoutMs))),
      ]);
      return client;
    } catch (e) {
      client.disconnect();
      const why = (last ?? (e as Error)).message;
      throw new RpcError(codeOf(why), `cannot connect to ${this.where}: ${why}`, { cause: last ?? e });
    } finally {
      clearTimeout(timer);
    }
  }
}
