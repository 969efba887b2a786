/**
 * The baseline: a hand-written NDJSON echo over a raw `net` socket. The
 * server writes back each chunk's complete lines in one write; the client
 * writes each request as it is made and parses each reply line. Both look
 * for newlines only in the bytes just read, so a large line costs linear time.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { Caller } from '../measure.js';

/** Complete lines from chunks of bytes: `feed` returns the bytes up to the chunk's last newline, or undefined. */
export function lineJoiner(): (chunk: Buffer) => Buffer | undefined {
  let parts: Buffer[] = [];
  return (chunk) => {
    const last = chunk.lastIndexOf(0x0a);
    if (last === -1) {
      parts.push(chunk);
      return undefined;
    }
    const head = chunk.subarray(0, last + 1);
    const lines = parts.length === 0 ? head : Buffer.concat([...parts, head]);
    parts = last + 1 < chunk.length ? [chunk.subarray(last + 1)] : [];
    return lines;
  };
}

export function rawEchoServer(): Server {
  return createServer({ noDelay: true }, (socket) => {
    const feed = lineJoiner();
    socket.on('data', (chunk: Buffer) => {
      const lines = feed(chunk);
      if (lines !== undefined) socket.write(lines);
    });
  });
}

/** The request line a raw client writes: JSON-RPC, as a hand-written client would build it. */
export const addLine = (id: number): string => `{"jsonrpc":"2.0","id":${id},"method":"add","params":{"a":${id},"b":1}}`;
export const echoLine = (id: number, s: string): string =>
  `{"jsonrpc":"2.0","id":${id},"method":"echo","params":{"s":${JSON.stringify(s)}}}`;

/**
 * A caller over any in-order line channel: `write` sends a line (without its
 * newline); the caller's `receive` gets each reply line. Replies match
 * requests in order (an echo keeps order).
 */
export function inOrderCaller(
  write: (line: string) => void,
  close: () => Promise<void>,
): Caller & { receive(line: string): void } {
  const waiting: ((value: unknown) => void)[] = [];
  let head = 0;
  let id = 0;
  const ask = (line: string): Promise<unknown> =>
    new Promise((resolve) => {
      waiting.push(resolve);
      write(line);
    });
  return {
    receive(line) {
      const resolve = waiting[head];
      waiting[head++] = undefined as never;
      resolve?.(JSON.parse(line));
      if (head > 4096) {
        waiting.splice(0, head);
        head = 0;
      }
    },
    call: () => ask(addLine(++id)),
    // The echo sends the request back: its params hold the string.
    echo: (s) => ask(echoLine(++id, s)).then((reply) => (reply as { params: { s: string } }).params.s),
    close,
  };
}

/**
 * Lines from text chunks, to `onLine`: only the new chunk is searched for a
 * newline, so a line many chunks long costs linear time.
 */
export function textLines(onLine: (line: string) => void): (chunk: string) => void {
  let parts: string[] = [];
  return (chunk) => {
    let nl = chunk.indexOf('\n');
    if (nl === -1) {
      parts.push(chunk);
      return;
    }
    let start = 0;
    if (parts.length > 0) {
      parts.push(chunk.slice(0, nl));
      onLine(parts.join(''));
      parts = [];
      start = nl + 1;
      nl = chunk.indexOf('\n', start);
    }
    while (nl !== -1) {
      onLine(chunk.slice(start, nl));
      start = nl + 1;
      nl = chunk.indexOf('\n', start);
    }
    if (start < chunk.length) parts.push(chunk.slice(start));
  };
}

/** A client that matches replies to requests in order (the echo keeps order). */
export async function rawClient(connectTo: { path: string } | { host: string; port: number }): Promise<Caller> {
  const socket: Socket = await new Promise((resolve, reject) => {
    const s = createConnection(connectTo as { path: string });
    s.setNoDelay(true);
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
  const caller = inOrderCaller(
    (line) => socket.write(`${line}\n`),
    async () => void socket.destroy(),
  );
  socket.setEncoding('utf8');
  socket.on(
    'data',
    textLines((line) => caller.receive(line)),
  );
  return caller;
}
