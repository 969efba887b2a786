/** The AMQP transport's options and their defaults (docs/transports/amqp.md explains each). */
import type { ConnectionOptions } from 'node:tls';
import { atLeast, resolveTransportOptions, type TransportOptions } from '@interoffice/core';

/** Options of {@link amqpTransport} (and every transport's `maxFrameBytes` and `logger`). */
export interface AmqpTransportOptions extends TransportOptions {
  /** User name; wins over the URL's (`guest` when neither gives one). */
  username?: string;
  /** Password; wins over the URL's. */
  password?: string;
  /** TLS options for `amqps:` URLs (`ca`, `cert`, `key`, `servername`, ...); system CAs when absent. */
  tls?: ConnectionOptions;
  /**
   * The work queue's type when a worker declares it: `'classic'` (default)
   * or `'quorum'` (replicated on a cluster's nodes; survives one's loss).
   * Every declarer of a queue must agree on it.
   */
  queueType?: 'classic' | 'quorum';
  /** Worker: requests delivered unacknowledged at once (the channel's prefetch, 64); the rest wait in the queue for any worker. */
  prefetch?: number;
  /** Time allowed to reach the broker and log in (5,000 ms). */
  connectTimeoutMs?: number;
}

export type ResolvedOptions = Required<Omit<AmqpTransportOptions, 'username' | 'password' | 'tls'>> &
  Pick<AmqpTransportOptions, 'username' | 'password' | 'tls'> & {
    /** Each broker's `max_message_size` (by host:port), once it refused a larger message (connector.ts). */
    readonly brokerLimits: Map<string, number>;
  };

const positive = (name: string, value: number): number => atLeast('amqpTransport', name, value, 1, true);

export function resolveOptions(o: AmqpTransportOptions): ResolvedOptions {
  const queueType = o.queueType ?? 'classic';
  if (queueType !== 'classic' && queueType !== 'quorum') {
    throw new TypeError(`amqpTransport: queueType must be 'classic' or 'quorum' (got ${String(queueType)})`);
  }
  return {
    ...o,
    ...resolveTransportOptions('amqpTransport', o),
    queueType,
    prefetch: positive('prefetch', o.prefetch ?? 64),
    connectTimeoutMs: positive('connectTimeoutMs', o.connectTimeoutMs ?? 5000),
    brokerLimits: new Map(),
  };
}
