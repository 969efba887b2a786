/**
 * One NATS connection per server and credentials, shared by every client,
 * worker and event bus of a transport that uses them, and closed when the
 * last lets go. nats.js reconnects by itself; users watch `up`.
 */
import { RpcError } from '@interoffice/core';
import { connect, errors, type NatsConnection } from '@nats-io/transport-node';
import type { NatsEndpoint } from './address.js';
import type { ResolvedOptions } from './options.js';

/** A shared connection and whether it is up now. */
export interface Shared {
  readonly nc: NatsConnection;
  /** False between a disconnect and the reconnect. */
  up: boolean;
  /** Called on every disconnect, before `up` turns true again. */
  readonly onDown: Set<() => void>;
  /** Let go: the connection closes when its last user does. */
  release(): Promise<void>;
}

/** What a failure to connect means to a caller. */
export function connectError(e: unknown, where: string): RpcError {
  if (e instanceof RpcError) return e;
  const auth = e instanceof errors.AuthorizationError || /authoriz|authenticat/i.test(String(e));
  return new RpcError(auth ? 'UNAUTHENTICATED' : 'UNAVAILABLE', `cannot reach NATS at ${where}: ${(e as Error).message}`, {
    cause: e,
  });
}

export class Connector {
  readonly #o: ResolvedOptions;
  readonly #open = new Map<string, { shared: Promise<Shared>; users: number }>();

  constructor(o: ResolvedOptions) {
    this.#o = o;
  }

  /** The shared connection to `e`'s server (opened at first use). */
  async open(e: NatsEndpoint): Promise<Shared> {
    const o = this.#o;
    const user = o.user ?? e.username;
    const pass = o.pass ?? e.password;
    const key = JSON.stringify([e.server, e.tls, user, pass]);
    let entry = this.#open.get(key);
    if (entry === undefined) {
      const opened = connect({
        servers: e.server,
        user,
        pass,
        token: o.token,
        tls: e.tls || o.tls !== undefined ? (o.tls ?? {}) : undefined,
        timeout: o.connectTimeoutMs,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 250,
        name: 'interoffice',
      }).then((nc) => this.#watch(nc, key));
      entry = { shared: opened, users: 0 };
      this.#open.set(key, entry);
      opened.catch(() => this.#open.delete(key));
    }
    entry.users++;
    try {
      return await entry.shared;
    } catch (err) {
      throw connectError(err, e.display.host);
    }
  }

  #watch(nc: NatsConnection, key: string): Shared {
    const shared: Shared = {
      nc,
      up: true,
      onDown: new Set(),
      release: async () => {
        const entry = this.#open.get(key);
        if (entry === undefined || --entry.users > 0) return;
        this.#open.delete(key);
        await nc.close().catch(() => {});
      },
    };
    void (async () => {
      for await (const s of nc.status()) {
        if (s.type === 'disconnect') {
          shared.up = false;
          for (const f of [...shared.onDown]) f();
        } else if (s.type === 'reconnect') shared.up = true;
      }
    })();
    return shared;
  }
}
