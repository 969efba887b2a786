/**
 * One NATS connection for each client, worker and event bus, as the AMQP
 * and MQTT transports open theirs: a caller's connection closes with it.
 * nats.js reconnects by itself; users watch `up`.
 */
import { RpcError } from '@interoffice/core';
import { connect, errors, type NatsConnection } from '@nats-io/transport-node';
import type { NatsEndpoint } from './address.js';
import type { ResolvedOptions } from './options.js';

/** A connection and whether it is up now. */
export interface Link {
  readonly nc: NatsConnection;
  /** False between a disconnect and the reconnect. */
  up: boolean;
  /** Called on every disconnect. */
  onDown?: () => void;
  /** Close it (what it published is flushed first). */
  release(): Promise<void>;
  /** The largest body NATS takes now: the server's max_payload less room for our headers. */
  maxBody(): number | undefined;
}

/** Room left in a message for its headers: NATS's max_payload counts them with the body. */
const HEADER_ROOM = 1024;
/** Of that room, what metadata copied into headers may take (ours take under 256 bytes). */
export const META_ROOM = 768;

/** Connect to `e`'s server, or reject with UNAUTHENTICATED or UNAVAILABLE. */
export async function openLink(e: NatsEndpoint, o: ResolvedOptions): Promise<Link> {
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: e.server,
      user: o.user ?? e.username,
      pass: o.pass ?? e.password,
      token: o.token,
      tls: e.tls || o.tls !== undefined ? (o.tls ?? {}) : undefined,
      timeout: o.connectTimeoutMs,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      name: 'interoffice',
    });
  } catch (err) {
    const auth = err instanceof errors.AuthorizationError || /authoriz|authenticat/i.test(String(err));
    throw new RpcError(
      auth ? 'UNAUTHENTICATED' : 'UNAVAILABLE',
      `cannot reach NATS at ${e.display.host}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  const link: Link = {
    nc,
    up: true,
    release: () => nc.close().catch(() => {}),
    maxBody: () => (nc.info === undefined ? undefined : Math.max(0, nc.info.max_payload - HEADER_ROOM)),
  };
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') {
        link.up = false;
        link.onDown?.();
      } else if (s.type === 'reconnect') link.up = true;
    }
  })();
  return link;
}
