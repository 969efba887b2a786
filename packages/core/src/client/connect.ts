import { parseAddress, transportFor } from '../address.js';
import type { Channel } from '../call.js';
import type { Transport } from '../call-transport.js';
import { EnvelopeChannel } from './envelope-channel.js';

/** Options of {@link connect}. */
export interface ConnectOptions {
  /** The transports to choose from, by the URL's scheme. */
  transports: readonly Transport[];
  /**
   * Resolve at once and connect at the first call, as grpc-js does: for a
   * client that may start before its server. A call with `waitForReady`
   * then waits for the server (until its deadline); one without fails
   * with UNAVAILABLE while nobody answers.
   */
  lazy?: boolean;
}

/**
 * Open a channel to the server at `address`, using the transport that serves
 * its scheme. Resolves once connected; rejects with UNAVAILABLE when nobody
 * answers (or, with `lazy`, at once). After that, a lost connection is
 * reopened by the next call.
 *
 * @example
 * const channel = await connect('unix:///tmp/calc.sock', { transports: [socketTransport()] });
 */
export async function connect(address: string | URL, options: ConnectOptions): Promise<Channel> {
  const url = parseAddress(address);
  const transport = transportFor(url, options.transports);
  if (transport.kind === 'calls') return transport.connect(url, { lazy: options.lazy ?? false });
  const channel = new EnvelopeChannel(transport, url);
  if (options.lazy !== true) await channel.open();
  return channel;
}
