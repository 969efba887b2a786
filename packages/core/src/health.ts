/**
 * `rpc.health`: the health method core's server answers on every JSON-RPC
 * transport, beside `rpc.discover` — gRPC's health protocol (grpc.health.v1
 * Check) in JSON-RPC terms, so that balancers and probes ask every server
 * the same question. See docs/protocol.md.
 */
import { RpcError } from './error.js';

/** The JSON-RPC name of the health method. */
export const HEALTH_METHOD = 'rpc.health';

/**
 * Whether a server serves: `SERVING`, or `NOT_SERVING` once it has begun
 * to close (it still finishes the calls it has).
 */
export type HealthStatus = 'SERVING' | 'NOT_SERVING';

/**
 * The answer to `rpc.health` with `params`: `{ service }` (or `[service]`)
 * names a service by its qualified name, none or `''` the server as a
 * whole; an unknown service is NOT_FOUND, as in gRPC.
 */
export function healthAnswer(
  services: readonly { readonly name: string }[],
  closing: boolean,
  params: unknown,
): { status: HealthStatus } | RpcError {
  const service = Array.isArray(params) ? params[0] : (params as { service?: unknown } | undefined)?.service;
  if (service !== undefined && typeof service !== 'string')
    return new RpcError('INVALID_ARGUMENT', `${HEALTH_METHOD}: service must be a string`);
  if (service !== undefined && service !== '' && !services.some((s) => s.name === service))
    return new RpcError('NOT_FOUND', `${HEALTH_METHOD}: unknown service ${JSON.stringify(service)}`);
  return { status: closing ? 'NOT_SERVING' : 'SERVING' };
}
