/**
 * Endpoint URLs of the NATS transport:
 * `nats://[user[:password]@]host[:port]/<subject>[?mode=durable]`, and
 * `natss://` for TLS. The path is the subject (`/calc` → `calc`,
 * `/billing/invoices` → `billing.invoices`); events use plain subjects and ignore it.
 */

/** Where NATS is and which subject a URL names. */
export interface NatsEndpoint {
  /** `host:port`, as nats.js takes it. */
  readonly server: string;
  /** `natss:` */
  readonly tls: boolean;
  readonly user: string | undefined;
  readonly pass: string | undefined;
  /** The service subject; `''` when the URL has no path. */
  readonly subject: string;
  /** `?mode=durable`: calls through a JetStream work queue; `core` (default): plain request/reply. */
  readonly durable: boolean;
  /** The URL without its password, safe to print. */
  readonly display: URL;
}

/** Parse a `nats:` or `natss:` URL; a clear TypeError for anything else. */
export function natsEndpoint(url: URL): NatsEndpoint {
  if (url.protocol !== 'nats:' && url.protocol !== 'natss:') throw new TypeError(`not a nats URL: ${url.href}`);
  if (url.hostname === '') throw new TypeError(`nats URLs need a host, as in nats://127.0.0.1:4222/calc (got ${url.href})`);
  const mode = url.searchParams.get('mode') ?? 'core';
  if (mode !== 'core' && mode !== 'durable') throw new TypeError(`nats URL: mode is core or durable (got ${mode})`);
  const subject = decodeURIComponent(url.pathname.replace(/^\//, '')).replaceAll('/', '.');
  if (/[\s*>]/.test(subject) || subject.startsWith('.') || subject.endsWith('.') || subject.includes('..')) {
    throw new TypeError(`nats URL: the subject may not hold spaces, wildcards or empty tokens: ${subject}`);
  }
  const display = new URL(url.href);
  display.password = '';
  return {
    server: `${url.hostname}:${url.port === '' ? 4222 : url.port}`,
    tls: url.protocol === 'natss:',
    user: url.username === '' ? undefined : decodeURIComponent(url.username),
    pass: url.password === '' ? undefined : decodeURIComponent(url.password),
    subject,
    durable: mode === 'durable',
    display,
  };
}

/** The subject, or a TypeError saying a call needs one. */
export function requireSubject(e: NatsEndpoint): string {
  if (e.subject === '') {
    throw new TypeError(
      `nats URLs for calls name the service's subject, as in nats://127.0.0.1:4222/calc (got ${e.display.href})`,
    );
  }
  return e.subject;
}
