/**
 * Asking a server whether it serves: `rpc.health` on the JSON-RPC
 * transports (core's server answers it on every one), the channel's own
 * protocol where it has one (gRPC's grpc.health.v1, through `Channel.health`).
 */
import type { Channel } from '../call.js';
import { RpcError } from '../error.js';
import { HEALTH_METHOD, type HealthStatus } from '../health.js';
import { rawCall } from './client.js';

/** What a health check asks. */
export interface HealthCheck {
  /** A service's qualified name, or `''` (the default) for the server as a whole. */
  readonly service: string;
  /** Epoch milliseconds by which the answer must come. */
  readonly deadline: number;
  readonly signal?: AbortSignal | undefined;
}

/**
 * Whether the server behind `channel` serves `check.service`. A server that
 * does not know the health method at all (UNIMPLEMENTED: a plain JSON-RPC
 * peer, an older server) counts as serving when it answered, as gRPC's
 * clients treat a server without the health service; any other failure
 * (nobody there, no answer in time, an unknown service) as not serving.
 * Resolves with the status and, when not serving, why.
 */
export async function checkHealth(channel: Channel, check: HealthCheck): Promise<{ status: HealthStatus; why?: RpcError }> {
  try {
    const status = channel.health !== undefined ? await channel.health(check) : statusOf(await askJsonRpc(channel, check));
    return status === 'SERVING' ? { status } : { status, why: new RpcError('UNAVAILABLE', `the server says ${status}`) };
  } catch (e) {
    const error = RpcError.from(e, 'UNAVAILABLE');
    if (error.code === 'UNIMPLEMENTED') return { status: 'SERVING' };
    return { status: 'NOT_SERVING', why: error };
  }
}

function askJsonRpc(channel: Channel, check: HealthCheck): Promise<unknown> {
  return rawCall(channel, HEALTH_METHOD, check.service === '' ? {} : { service: check.service }, {
    deadline: check.deadline,
    ...(check.signal === undefined ? {} : { signal: check.signal }),
  });
}

function statusOf(result: unknown): HealthStatus {
  const status = (result as { status?: unknown } | null)?.status;
  if (status === 'SERVING' || status === 'NOT_SERVING') return status;
  throw new RpcError('INTERNAL', `malformed ${HEALTH_METHOD} answer: ${JSON.stringify(result)?.slice(0, 80)}`);
}
