/**
 * The server side of `stdio:`: one connection over this process's stdin and
 * stdout, with the process's own stdout writes sent to stderr meanwhile.
 * When stdin ends (the client closed it, or died) the connection closes;
 * a process with nothing else to do then exits.
 */
import type { Readable, Writable } from 'node:stream';
import type { Connection, FrameHandler, Listener } from '@interoffice/core';
import { StreamConnection } from '@interoffice/core/ndjson';
import { checkStdioListenUrl } from './address.js';
import { takeStdout } from './stdout-guard.js';

/**
 * Where a `stdio:` server's connections come from. It is called when the
 * server starts listening, with `accept` to call once per connection (an
 * input, an output, and how to name the peer), and returns a function that
 * stops handing connections over.
 */
export type StreamSource = (accept: (input: Readable, output: Writable, peer?: string) => void) => () => void;

/** The default source: one connection on this process's stdin and stdout. */
export const ownStdio: StreamSource = (accept) => {
  const taken = takeStdout();
  taken.output.once('close', () => taken.release());
  accept(process.stdin, taken.output, `parent process ${process.ppid}`);
  return () => {};
};

export interface StdioServerOptions {
  maxFrameBytes: number;
  maxBufferedBytes: number;
  source: StreamSource;
}

export async function listenStdio(
  url: URL,
  accept: (connection: Connection) => FrameHandler,
  options: StdioServerOptions,
): Promise<Listener> {
  checkStdioListenUrl(url);
  let closed = false;
  const { maxFrameBytes, maxBufferedBytes } = options;
  const ignore = { line: () => {}, oversized: () => {} };
  const stop = options.source((input, output, address = 'stdio') => {
    if (closed) {
      input.destroy();
      output.destroy();
      return;
    }
    const peer = { transport: 'stdio', address };
    const conn = new StreamConnection(input, output, { maxFrameBytes, maxBufferedBytes, pauseReads: true, peer }, ignore);
    conn.attach(accept(conn));
  });
  return {
    url,
    async close() {
      closed = true;
      stop(); // the connection itself is closed by the server, after its calls' grace period
    },
  };
}
