/**
 * Lines a stream transport exchanges outside core's sessions: its own
 * handshake before frames flow (the socket's shared-key auth, the FIFO's
 * open and ready) or a probe (stdio's). They take JSON-RPC's shape, so a peer
 * that knows nothing of them answers or ignores them as JSON-RPC; core writes
 * and reads that shape, and the transport only names its methods.
 */

/** A transport line as read: the members a transport looks at, unchecked. */
export interface TransportLine {
  readonly id?: unknown;
  readonly method?: unknown;
  readonly params?: unknown;
}

/** The text of a request (with `id`) or a notification (without): `{"jsonrpc":"2.0",["id",]"method"[,"params"]}`. */
export function transportLine(method: string, params?: Readonly<Record<string, unknown>>, id?: string): string {
  return JSON.stringify(id === undefined ? { jsonrpc: '2.0', method, params } : { jsonrpc: '2.0', id, method, params });
}

/** A line's members, or undefined when it is not a JSON object. */
export function readTransportLine(line: string): TransportLine | undefined {
  try {
    const m: unknown = JSON.parse(line);
    return typeof m === 'object' && m !== null && !Array.isArray(m) ? (m as TransportLine) : undefined;
  } catch {
    return undefined;
  }
}
