/**
 * The names of a service's keys. All hold the same hash tag, `{<service>}`,
 * so one service's keys live on one Redis Cluster slot and the scripts that
 * touch several of them run there. docs/transports/redis.md#wire-format lists them.
 */

/** The default namespace before the hash tag. */
export const DEFAULT_KEY_PREFIX = 'interoffice:';

/** The consumer group every worker of a service joins. */
export const GROUP = 'workers';

export interface Keys {
  /** The request stream (consumer group {@link GROUP}). */
  readonly requests: string;
  /** Sorted set: worker (consumer) name → Redis time (ms) until which it counts as alive. */
  readonly workers: string;
  /** Pub/sub channel for cancellations and clients saying goodbye. */
  readonly control: string;
  /** A client's reply list. */
  replies(client: string): string;
  /** A client's marker: present while the client's queued requests are known to Redis. */
  client(client: string): string;
  /** The stored final response of request entry `entryId` (the idempotency key). */
  done(entryId: string): string;
  /** Set when the stream call of entry `entryId` has sent items. */
  started(entryId: string): string;
}

export function keysFor(prefix: string, service: string): Keys {
  const base = `${prefix}{${service}}:`;
  return {
    requests: `${base}requests`,
    workers: `${base}workers`,
    control: `${base}control`,
    replies: (client) => `${base}replies:${client}`,
    client: (client) => `${base}clients:${client}`,
    done: (entryId) => `${base}done:${entryId}`,
    started: (entryId) => `${base}started:${entryId}`,
  };
}

/** Client ids: what a reply key may end with. */
export const CLIENT_ID = /^[A-Za-z0-9_.:-]{1,128}$/;
