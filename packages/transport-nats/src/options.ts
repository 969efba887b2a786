/** The NATS transport's options and their defaults (docs/transports/nats.md explains each). */
import { atLeast, resolveTransportOptions, type TransportOptions } from '@interoffice/core';
import type { TlsOptions } from '@nats-io/transport-node';

/** Options of {@link natsTransport} (and every transport's `maxFrameBytes` and `logger`). */
export interface NatsTransportOptions extends TransportOptions {
  /** User; wins over the URL's. */
  user?: string;
  /** Password; wins over the URL's. */
  pass?: string;
  /** An auth token (`nats-server --auth`). */
  token?: string;
  /** TLS (`ca`/`caFile`, `cert`, `key`, ...); set, TLS is required even on `nats:` URLs. */
  tls?: TlsOptions;
  /** Worker: requests run at once (64); the rest wait at the worker (core mode) or in the stream (durable). */
  concurrency?: number;
  /**
   * A call running this long gets its worker named to its caller, who then
   * asks that worker every `livenessMs` whether it is still there: a
   * worker gone (killed, cut off) fails its calls with UNAVAILABLE (1,000 ms).
   */
  livenessMs?: number;
  /** Durable mode: a request not acknowledged for this long is delivered again (10,000 ms); live workers renew it. */
  ackWaitMs?: number;
  /** Durable mode: how long a finished call's answer is kept under its idempotency key (300,000 ms). */
  resultTtlMs?: number;
  /** Durable mode: copies of the work-queue stream, 1 to 5 (1; 3 on a three-server cluster). */
  replicas?: number;
  /** Time allowed to reach NATS when connecting (5,000 ms). */
  connectTimeoutMs?: number;
}

export type ResolvedOptions = Required<Omit<NatsTransportOptions, 'user' | 'pass' | 'token' | 'tls'>> &
  Pick<NatsTransportOptions, 'user' | 'pass' | 'token' | 'tls'>;

const T = 'natsTransport';

export function resolveOptions(o: NatsTransportOptions): ResolvedOptions {
  return {
    ...o,
    ...resolveTransportOptions('natsTransport', o),
    concurrency: atLeast(T, 'concurrency', o.concurrency ?? 64, 1),
    livenessMs: atLeast(T, 'livenessMs', o.livenessMs ?? 1000, 50),
    ackWaitMs: atLeast(T, 'ackWaitMs', o.ackWaitMs ?? 10_000, 1000),
    resultTtlMs: atLeast(T, 'resultTtlMs', o.resultTtlMs ?? 300_000, 1000),
    replicas: atLeast(T, 'replicas', o.replicas ?? 1, 1),
    connectTimeoutMs: atLeast(T, 'connectTimeoutMs', o.connectTimeoutMs ?? 5000, 1),
  };
}
