/**
 * Endpoint URLs of the NATS transport:
 * `nats://[user[:password]@]host[:port]/<subject>[?mode=durable]`, and
 * `natss://` for TLS (core's broker URL). The path is the subject (`/calc` →
 * `calc`, `/billing/invoices` → `billing.invoices`); events use plain subjects
 * and ignore it.
 */
import { brokerAddress, requireName, type BrokerAddress } from '@interoffice/core';

const NATS = { schemes: ['nats', 'natss'], ports: [4222, 4222] } as const;

/** Where NATS is and which subject a URL names (its `name`, `/` read as `.`). */
export interface NatsEndpoint extends BrokerAddress {
  /** `host:port`, as nats.js takes it. */
  readonly server: string;
  /** `?mode=durable`: calls through a JetStream work queue; `core` (default): plain request/reply. */
  readonly durable: boolean;
}

/** Parse a `nats:` or `natss:` URL; a clear TypeError for anything else. */
export function natsEndpoint(url: URL): NatsEndpoint {
  const a = brokerAddress(url, NATS);
  const mode = url.searchParams.get('mode') ?? 'core';
  if (mode !== 'core' && mode !== 'durable') throw new TypeError(`nats URL: mode is core or durable (got ${mode})`);
  const name = a.name.replaceAll('/', '.');
  if (/[\s*>]/.test(name) || name.startsWith('.') || name.endsWith('.') || name.includes('..')) {
    throw new TypeError(`nats URL: the subject may not hold spaces, wildcards or empty tokens: ${name}`);
  }
  const server = `${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}`;
  return { ...a, name, server, durable: mode === 'durable' };
}

/** The subject, or a TypeError saying a call needs one. */
export const requireSubject = (e: NatsEndpoint): string => requireName(e, NATS, "the service's subject");
