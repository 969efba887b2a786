/**
 * The two lines of the FIFO handshake (docs/transports/pipe.md, "Wire format"):
 *
 *   client → <dir>/requests   {"jsonrpc":"2.0","method":"rpc.fifo.open","params":{"id":"<id>"}}
 *   server → <dir>/<id>.res   {"jsonrpc":"2.0","method":"rpc.fifo.ready"}
 *
 * After `rpc.fifo.ready` the client opens `<id>.req` for writing and the
 * pair carries ordinary NDJSON frames.
 */

export const OPEN_METHOD = 'rpc.fifo.open';
export const READY_METHOD = 'rpc.fifo.ready';
export const READY_LINE = `{"jsonrpc":"2.0","method":"${READY_METHOD}"}`;

/**
 * Writes of at most PIPE_BUF bytes to a pipe are atomic: many writers never
 * interleave within one. POSIX guarantees 512 bytes; Linux gives 4096.
 * Lines on the requests FIFO must fit in one such write.
 */
export const PIPE_BUF = process.platform === 'linux' ? 4096 : 512;

export function openLine(id: string): string {
  return JSON.stringify({ jsonrpc: '2.0', method: OPEN_METHOD, params: { id } });
}

/** The id in an opening line, or undefined when the line is something else. */
export function openedId(line: string): unknown {
  if (!line.includes(OPEN_METHOD)) return undefined;
  try {
    const msg = JSON.parse(line) as { method?: unknown; params?: { id?: unknown } };
    return msg.method === OPEN_METHOD ? (msg.params?.id ?? null) : undefined;
  } catch {
    return undefined;
  }
}

export function isReadyLine(line: string): boolean {
  try {
    return (JSON.parse(line) as { method?: unknown }).method === READY_METHOD;
  } catch {
    return false;
  }
}
