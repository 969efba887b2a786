import { parseAddress, transportFor } from '../address.js';
import type { Channel } from '../call.js';
import type { Transport } from '../call-transport.js';
import type { BalancePolicy } from './balance.js';
import { BalancedChannel, type HealthOptions } from './balanced-channel.js';
import { EnvelopeChannel } from './envelope-channel.js';
import { checkKeepalive, type KeepaliveOptions } from './keepalive.js';
import { RetryBudget } from './retry-budget.js';
import { resolveHedgingPolicy, resolveRetryPolicy } from './retry-policy.js';
import { RetryingChannel, type RetryOptions } from './retrying-channel.js';

/** Options of {@link connect}. */
export interface ConnectOptions extends RetryOptions {
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
  /** With several addresses: how calls are spread over them (`'pick-first'`, as gRPC's default). */
  balance?: BalancePolicy;
  /**
   * With several addresses: how each server is health-checked, or `false`
   * for no checks (a server a call found gone then comes back after a
   * pause, 0.1 s doubling to 5 s, and calls find out).
   */
  health?: HealthOptions | false;
}

/**
 * Open a channel to the server at `address`, using the transport that serves
 * its scheme. Resolves once connected; rejects with UNAVAILABLE when nobody
 * answers (or, with `lazy`, at once). After that, a lost connection is
 * reopened by the next call.
 *
 * Given several addresses, the channel spreads calls over those servers
 * (`balance`), checks their health in the background (`health`), and leaves
 * out the ones that do not serve; it resolves once one serves. With
 * `retry` or `hedging`, idempotent methods are retried or hedged (see
 * {@link retrying}), on another server when there is one.
 *
 * @example
 * const channel = await connect('unix:///tmp/calc.sock', { transports: [socketTransport()] });
 * const both = await connect(['unix:///tmp/a.sock', 'tcp://10.0.0.2:7070'], {
 *   transports: [socketTransport()],
 *   balance: 'round-robin',
 *   retry: { maxAttempts: 3 },
 * });
 */
export async function connect(address: string | URL | readonly (string | URL)[], options: ConnectOptions): Promise<Channel> {
  const retries = options.retry !== undefined || options.hedging !== undefined;
  if (retries) checkRetryOptions(options);
  const keepalive = checkKeepalive(options.keepalive);
  const channel =
    typeof address === 'string' || address instanceof URL
      ? await connectOne(parseAddress(address), options.transports, options.lazy ?? false, keepalive)
      : await connectMany(address, options, keepalive);
  return retries ? new RetryingChannel(channel, options) : channel;
}

async function connectOne(
  url: URL,
  transports: readonly Transport[],
  lazy: boolean,
  keepalive: KeepaliveOptions | undefined,
): Promise<Channel> {
  const transport = transportFor(url, transports);
  if (transport.kind === 'calls') return transport.connect(url, { lazy, ...(keepalive ? { keepalive } : {}) });
  const channel = new EnvelopeChannel(transport, url, keepalive);
  if (!lazy) await channel.open();
  return channel;
}

async function connectMany(
  addresses: readonly (string | URL)[],
  options: ConnectOptions,
  keepalive: KeepaliveOptions | undefined,
): Promise<Channel> {
  const urls = addresses.map(parseAddress);
  for (const url of urls) transportFor(url, options.transports); // an unknown scheme fails before anything opens
  const channels = await Promise.all(urls.map((url) => connectOne(url, options.transports, true, keepalive)));
  let balanced: BalancedChannel;
  try {
    balanced = new BalancedChannel(
      urls.map((url, i) => ({ url, channel: channels[i] as Channel })),
      options.balance ?? 'pick-first',
      options.health ?? {},
    );
  } catch (e) {
    await Promise.all(channels.map((c) => c.close())); // bad options: nothing stays open
    throw e;
  }
  try {
    await balanced.start(options.lazy !== true);
  } catch (e) {
    await balanced.close();
    throw e;
  }
  return balanced;
}

/** Bad retry options fail before anything opens. */
function checkRetryOptions(options: RetryOptions): void {
  if (options.retry !== undefined) resolveRetryPolicy(options.retry);
  if (options.hedging !== undefined) resolveHedgingPolicy(options.hedging);
  new RetryBudget(options.retryThrottling);
}
