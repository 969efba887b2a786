/**
 * The readiness probe of a spawned stdio server: one request,
 *
 *   {"jsonrpc":"2.0","id":"interoffice-probe","method":"rpc.discover"}
 *
 * answered by any JSON-RPC 2.0 server — an Interoffice server with its
 * OpenRPC document, any other with "method not found" — which proves the
 * process reads its stdin and writes frames to its stdout. Lines that come
 * before the answer and are not frames are reported as stray output.
 */
import { RpcError } from '@interoffice/core';
import { readTransportLine, type StreamConnection, transportLine } from '@interoffice/core/ndjson';
import type { ChildLife } from './child-life.js';

export const PROBE_ID = 'interoffice-probe';
const PROBE = transportLine('rpc.discover', undefined, PROBE_ID);

/** Frames are JSON objects or arrays; any other line on a server's stdout is stray output (a log). */
export function looksLikeFrame(line: string): boolean {
  const c = line.trimStart().charCodeAt(0);
  return c === 0x7b || c === 0x5b; // { or [
}

/** Whether `line` answers the probe (a response carrying its id). */
function answers(line: string): boolean {
  return line.includes(PROBE_ID) && readTransportLine(line)?.id === PROBE_ID;
}

export function probe(conn: StreamConnection, life: ChildLife, timeoutMs: number, stray: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: RpcError): void => {
      clearTimeout(timer);
      conn.onClose = undefined;
      if (error === undefined) resolve();
      else reject(error);
    };
    const timer = setTimeout(
      () =>
        done(
          new RpcError('UNAVAILABLE', `${life.name} did not answer within ${timeoutMs} ms (is it a JSON-RPC server on stdio?)`),
        ),
      timeoutMs,
    );
    conn.onClose = () => {
      void life.ended().then((ended) => done(new RpcError('UNAVAILABLE', `${ended.message} before answering`)));
    };
    conn.divert(
      {
        line(line) {
          if (!looksLikeFrame(line)) stray(line);
          else if (answers(line)) done();
        },
        // Something that large is an answer too: the process is alive and speaks frames.
        oversized: () => done(),
      },
      conn.maxFrameBytes,
    );
    conn.writeLine(PROBE);
  });
}
