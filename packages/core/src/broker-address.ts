/**
 * The URLs of the brokers' transports, one shape for all:
 * `<scheme>://[user[:password]@]host[:port]/<name>[?…]`, with a second
 * scheme for TLS (`redis:`/`rediss:`). The path names what calls go to (a
 * queue, a subject, a service); events use plain channel names and ignore it.
 * Each transport checks the name against its broker's rules, and reads its
 * own query parameters.
 */

/** What a broker's URL says, before the transport reads its own parts. */
export interface BrokerAddress {
  /** The host, without an IPv6 address's brackets. */
  readonly host: string;
  readonly port: number;
  /** The URL has the TLS scheme. */
  readonly tls: boolean;
  /** From the URL's userinfo, decoded; undefined when absent. */
  readonly username: string | undefined;
  readonly password: string | undefined;
  /** The path without its leading slash, decoded; `''` when the URL has none. */
  readonly name: string;
  /** The URL without its password, safe to print. */
  readonly display: URL;
}

/** A broker's schemes (plain, then TLS) and their default ports. */
export interface BrokerSchemes {
  readonly schemes: readonly [plain: string, tls: string];
  readonly ports: readonly [plain: number, tls: number];
}

/** Read `url` as a URL of the broker `s` describes; a TypeError saying what is wrong otherwise. */
export function brokerAddress(url: URL, s: BrokerSchemes): BrokerAddress {
  const [plain, secure] = s.schemes;
  if (url.protocol !== `${plain}:` && url.protocol !== `${secure}:`) throw new TypeError(`not a ${plain} URL: ${url.href}`);
  if (url.hostname === '') throw new TypeError(`${plain} URLs need a host, as in ${example(s)} (got ${url.href})`);
  const tls = url.protocol === `${secure}:`;
  const display = new URL(url.href);
  display.password = '';
  return {
    host: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
    port: url.port === '' ? s.ports[tls ? 1 : 0] : Number(url.port),
    tls,
    username: url.username === '' ? undefined : decodeURIComponent(url.username),
    password: url.password === '' ? undefined : decodeURIComponent(url.password),
    name: decodeURIComponent(url.pathname.replace(/^\//, '')),
    display,
  };
}

/** The address's name, or a TypeError saying that calls need one (`what`: "the service's queue"). */
export function requireName(a: BrokerAddress, s: BrokerSchemes, what: string): string {
  if (a.name !== '') return a.name;
  throw new TypeError(`${s.schemes[0]} URLs for calls name ${what}, as in ${example(s)} (got ${a.display.href})`);
}

const example = (s: BrokerSchemes): string => `${s.schemes[0]}://127.0.0.1:${s.ports[0]}/calc`;
