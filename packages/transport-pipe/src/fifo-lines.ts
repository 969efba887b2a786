/**
 * The two lines of the FIFO handshake (docs/transports/pipe.md, "Wire format"):
 *
 *   client → <dir>/requests   {"jsonrpc":"2.0","method":"rpc.fifo.open","params":{"id":"<id>"}}
 *   server → <dir>/<id>.res   {"jsonrpc":"2.0","method":"rpc.fifo.ready"}
 *
 * After `rpc.fifo.ready` the client opens `<id>.req` for writing and the
 * pair carries ordinary NDJSON frames.
 */

import { readTransportLine, transportLine } from '@interoffice/core/ndjson';

export const OPEN_METHOD = 'rpc.fifo.open';
export const READY_METHOD = 'rpc.fifo.ready';
export const READY_LINE = transportLine(READY_METHOD);

/**
 * Writes of at most PIPE_BUF bytes to a pipe are atomic: many writers never
 * interleave within one. POSIX guarantees 512 bytes; Linux gives 4096.
 * Lines on the requests FIFO must fit in one such write.
 */
export const PIPE_BUF = process.platform === 'linux' ? 4096 : 512;

export const openLine = (id: string): string => transportLine(OPEN_METHOD, { id });

/** The id in an opening line, or undefined when the line is something else. */
export function openedId(line: string): unknown {
  if (!line.includes(OPEN_METHOD)) return undefined;
  const msg = readTransportLine(line);
  return msg?.method === OPEN_METHOD ? ((msg.params as { id?: unknown } | undefined)?.id ?? null) : undefined;
}

export const isReadyLine = (line: string): boolean => readTransportLine(line)?.method === READY_METHOD;
