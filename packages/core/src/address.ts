import type { Transport } from './call-transport.js';

/**
 * Parse an endpoint address (`unix:///tmp/calc.sock`, `tcp://127.0.0.1:7070`,
 * `memory://calc`, ...) into a URL, with a clear error for anything else.
 */
export function parseAddress(address: string | URL): URL {
  if (address instanceof URL) return address;
  try {
    return new URL(address);
  } catch {
    throw new TypeError(`not an endpoint URL: ${JSON.stringify(address)} (expected e.g. unix:///tmp/calc.sock)`);
  }
}

/** The transport among `transports` that serves `url`'s scheme. */
export function transportFor(url: URL, transports: readonly Transport[]): Transport {
  const scheme = url.protocol.slice(0, -1);
  const transport = transports.find((t) => t.schemes.includes(scheme));
  if (transport === undefined) {
    const known = transports.flatMap((t) => t.schemes.map((s) => `${s}:`)).join(', ') || 'none';
    throw new TypeError(`no transport for ${scheme}: URLs among those given (${known})`);
  }
  return transport;
}
