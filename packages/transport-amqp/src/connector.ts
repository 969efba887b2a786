/**
 * Opening a broker connection: noDelay on the socket (without it a call's
 * round trip waits on Nagle's algorithm: 44 ms instead of a quarter of a
 * millisecond), heartbeats so a dead broker is noticed, and amqplib's
 * failures as RpcErrors with the code a caller can act on.
 */
import { bounded, RpcError } from '@interoffice/core';
import { connect, type ChannelModel } from 'amqplib';
import type { AmqpEndpoint } from './address.js';
import type { ResolvedOptions } from './options.js';

/** Seconds between heartbeats: a broker silent for two of them is taken as gone. */
const HEARTBEAT_S = 10;

/** Connect to the endpoint's broker (`role`: client, worker, events), or reject with UNAUTHENTICATED, PERMISSION_DENIED or UNAVAILABLE. */
export async function openConnection(e: AmqpEndpoint, o: ResolvedOptions, role: string): Promise<ChannelModel> {
  const where = `${e.display.host} (vhost ${e.connect.vhost})`;
  try {
    const model = await connect(
      {
        ...e.connect,
        username: o.username ?? e.connect.username,
        password: o.password ?? e.connect.password,
        heartbeat: HEARTBEAT_S,
      },
      {
        noDelay: true,
        timeout: o.connectTimeoutMs,
        // What the management UI and `rabbitmqctl list_connections` show for it.
        clientProperties: { connection_name: `interoffice ${role} ${e.display.href}` },
        ...(e.tls ? (o.tls ?? {}) : {}),
      },
    );
    model.on('error', () => {}); // reported through 'close', which every user of the connection watches
    batchWrites(model);
    return model;
  } catch (err) {
    const text = String((err as Error).message ?? err);
    if (text.includes('ACCESS-REFUSED') || text.includes('ACCESS_REFUSED')) {
      throw new RpcError('UNAUTHENTICATED', `${where} refused the login of ${o.username ?? e.connect.username}`, { cause: err });
    }
    if (text.includes('ConnectionClose')) {
      throw new RpcError('PERMISSION_DENIED', `${where}: the vhost is missing or this user may not use it`, { cause: err });
    }
    throw new RpcError('UNAVAILABLE', `cannot reach ${where}: ${text}`, { cause: err });
  }
}

/** A failure after login (declaring, binding, consuming) as an RpcError: PERMISSION_DENIED when the broker refused access. */
export function refusal(what: string, err: unknown): RpcError {
  if (err instanceof RpcError) return err;
  const text = (err as Error).message;
  const code = /ACCESS.REFUSED/.test(text) ? 'PERMISSION_DENIED' : 'UNAVAILABLE';
  return new RpcError(code, `${what}: ${text}`, { cause: err });
}

/** A connection's close, as the error its calls fail with (undefined for a close we asked for). */
export function lostError(where: string, err: unknown): RpcError {
  return new RpcError('UNAVAILABLE', `lost the broker at ${where}${err instanceof Error ? `: ${err.message}` : ''}`);
}

/**
 * A channel's error, when it is RabbitMQ refusing a message over its `max_message_size`
 * (the broker closes the channel and names its limit): the limit, kept for the endpoint's
 * broker so that later connections hold to it. No AMQP method tells it sooner.
 */
export function learnLimit(e: AmqpEndpoint, o: ResolvedOptions, err: unknown): number | undefined {
  const m = /larger than configured max size (\d+)/.exec(err instanceof Error ? err.message : '');
  if (m === null) return undefined;
  o.brokerLimits.set(e.display.host, Number(m[1]));
  return Number(m[1]);
}

/** The largest message the endpoint's broker takes, if one was learned: {@link learnLimit}. */
export const brokerLimit = (e: AmqpEndpoint, o: ResolvedOptions): number | undefined => o.brokerLimits.get(e.display.host);

/** Pauses between reconnection attempts: 100 ms doubling to 5 s. */
const RETRY_FIRST_MS = 100;
const RETRY_MAX_MS = 5000;

/** Call `open` after growing pauses until it succeeds (true) or `stopped()` (false): amqplib does not reconnect. */
export async function reopen(open: () => Promise<void>, stopped: () => boolean): Promise<boolean> {
  for (let pause = RETRY_FIRST_MS; !stopped(); pause = Math.min(pause * 2, RETRY_MAX_MS)) {
    await new Promise((r) => setTimeout(r, pause));
    if (stopped()) return false;
    try {
      await open();
      return true;
    } catch {
      // still away: try again after a longer pause
    }
  }
  return false;
}

/**
 * Wait at most `ms` for `polite` (a close that asks the broker), then, if it has not finished,
 * cut the connection's socket: amqplib has no forced close, and an open socket keeps the
 * process alive until heartbeats give up (~20 s) on a broker that stalls.
 */
export async function closeWithin(
  model: ChannelModel | undefined,
  polite: Promise<unknown> | undefined,
  ms: number,
): Promise<void> {
  let done = false;
  await bounded(
    polite?.then(() => (done = true)),
    ms,
  );
  const stream = (model as unknown as { connection?: { stream?: { destroy?(e: Error): void } } } | undefined)?.connection?.stream;
  // With an error: amqplib hears a socket's 'error' and 'end' (not 'close'), and only then stops its heartbeat timer.
  if (!done) stream?.destroy?.(new Error('closed without the broker: it did not answer'));
}

/** amqplib's frame multiplexer, where it writes its channels' frames to the socket (not in its types). */
interface Muxer {
  out?: { cork(): void; uncork(): void };
  _readIncoming?: () => void;
}

/**
 * Write what amqplib's multiplexer sends in one pass as one socket write:
 * with noDelay, each frame would otherwise be a system call and a packet of
 * its own. Skipped when amqplib's internals are not as expected.
 */
function batchWrites(model: ChannelModel): void {
  const mux = (model as unknown as { connection?: { muxer?: Muxer } }).connection?.muxer;
  const out = mux?.out;
  const read = mux?._readIncoming;
  if (mux === undefined || out === undefined || typeof read !== 'function') return;
  mux._readIncoming = () => {
    out.cork();
    try {
      read.call(mux);
    } finally {
      out.uncork();
    }
  };
}
