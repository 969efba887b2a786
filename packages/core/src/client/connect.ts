import { parseAddress, transportFor } from '../address.js';
import type { Channel } from '../call.js';
import type { Transport } from '../call-transport.js';
import { EnvelopeChannel } from './envelope-channel.js';
import { checkKeepalive, type KeepaliveOptions } from './keepalive.js';

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
  /**
   * Notice a server that stopped answering while calls wait on it (a stopped
   * process, a pulled cable): after `intervalMs` of silence a ping; after
   * `timeoutMs` more with nothing, the connection is closed, its calls fail
   * with UNAVAILABLE, and the next call connects again. Stream transports
   * (sockets, pipes, shared memory) and gRPC; off unless given.
   */
  keepalive?: KeepaliveOptions;
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
  const keepalive = checkKeepalive(options.keepalive);
  if (transport.kind === 'calls')
    return transport.connect(url, { lazy: options.lazy ?? false, ...(keepalive ? { keepalive } : {}) });
  const channel = new EnvelopeChannel(transport, url, keepalive);
  if (options.lazy !== true) await channel.open();
  return channel;
}
