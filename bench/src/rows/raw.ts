/**
 * The baseline: a hand-written NDJSON echo over a raw `net` socket. The
 * server writes back each chunk's complete lines in one write; the client
 * writes each request as it is made and parses each reply line.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { Caller } from '../measure.js';

export function rawEchoServer(): Server {
  return createServer({ noDelay: true }, (socket) => {
    let rest: Buffer | undefined;
    socket.on('data', (chunk: Buffer) => {
      const data = rest === undefined ? chunk : Buffer.concat([rest, chunk]);
      const last = data.lastIndexOf(0x0a);
      if (last === -1) {
        rest = data;
        return;
      }
      socket.write(data.subarray(0, last + 1));
      rest = last + 1 < data.length ? data.subarray(last + 1) : undefined;
    });
  });
}

/** A client that matches replies to requests in order (the echo keeps order). */
export async function rawClient(connectTo: { path: string } | { host: string; port: number }): Promise<Caller> {
  const socket: Socket = await new Promise((resolve, reject) => {
    const s = createConnection(connectTo as { path: string });
    s.setNoDelay(true);
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
  const waiting: ((value: unknown) => void)[] = [];
  let head = 0;
  let rest = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    let text = rest + chunk;
    let nl = text.indexOf('\n');
    let start = 0;
    while (nl !== -1) {
      const line = text.slice(start, nl);
      const resolve = waiting[head];
      waiting[head++] = undefined as never;
      resolve?.(JSON.parse(line));
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    rest = text.slice(start);
    if (head > 4096) {
      waiting.splice(0, head);
      head = 0;
    }
    text = '';
  });
  let id = 0;
  return {
    call: () =>
      new Promise((resolve) => {
        waiting.push(resolve);
        socket.write(`{"jsonrpc":"2.0","id":${++id},"method":"add","params":{"a":${id},"b":1}}\n`);
      }),
    close: async () => void socket.destroy(),
  };
}
