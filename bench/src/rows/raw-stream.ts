/**
 * The stream rows' baselines over a unix socket (issue #14), hand-written
 * NDJSON as raw.ts's echo is:
 *
 * - server stream: the client writes one request line; the server writes
 *   one item line per item (`{"jsonrpc":"2.0","id":…,"item":i}`), a write
 *   each, waiting for `drain` when the socket's buffer is full, then the
 *   final `result` line; the client `JSON.parse`s every line;
 * - bidi stream: raw.ts's echo server sends each input line back; the client
 *   keeps {@link WINDOW} inputs unanswered at most (Interoffice's input
 *   credit, so both sides of the ratio run under the same flow control),
 *   writing the next input as each reply comes and parsing every reply.
 */
import { once } from 'node:events';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { Caller } from '../measure.js';
import { ITEMS } from '../stream-service.js';
import { textLines } from './raw.js';

/** Inputs a bidi caller may send ahead of the replies: the credit an Interoffice server grants (16). */
export const WINDOW = 16;

export function rawStreamServer(): Server {
  return createServer({ noDelay: true }, (socket) => {
    socket.setEncoding('utf8');
    // One stream at a time per connection: the next request waits for the last one's items.
    let queue = Promise.resolve();
    socket.on(
      'data',
      textLines((line) => {
        const { id, params } = JSON.parse(line) as { id: number; params: { from: number } };
        queue = queue.then(async () => {
          for (let i = params.from; i >= 0; i--) {
            if (!socket.write(`{"jsonrpc":"2.0","id":${id},"item":${i}}\n`)) await once(socket, 'drain');
          }
          socket.write(`{"jsonrpc":"2.0","id":${id},"result":null}\n`);
        });
      }),
    );
  });
}

async function connectTo(path: string): Promise<Socket> {
  const socket: Socket = await new Promise((resolve, reject) => {
    const s = createConnection({ path });
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
  socket.setNoDelay(true);
  socket.setEncoding('utf8');
  return socket;
}

/** Each call a countdown of {@link ITEMS} items, every line parsed. */
export async function rawServerStreamClient(url: URL): Promise<Caller> {
  const socket = await connectTo(url.pathname);
  let id = 0;
  let items = 0;
  let done: ((n: number) => void) | undefined;
  socket.on(
    'data',
    textLines((line) => {
      const m = JSON.parse(line) as { item?: number; result?: null };
      if (m.item !== undefined) items++;
      else done?.(items);
    }),
  );
  return {
    call: () =>
      new Promise((resolve) => {
        items = 0;
        done = resolve;
        socket.write(`{"jsonrpc":"2.0","id":${++id},"method":"countdown","params":{"from":${ITEMS - 1}}}\n`);
      }),
    close: async () => void socket.destroy(),
  };
}

/** Each call {@link ITEMS} input lines echoed back, at most {@link WINDOW} unanswered, every reply parsed. */
export async function rawBidiClient(url: URL): Promise<Caller> {
  const socket = await connectTo(url.pathname);
  let id = 0;
  let sent = 0;
  let received = 0;
  let done: ((n: number) => void) | undefined;
  const send = (): void => {
    sent++;
    socket.write(`{"jsonrpc":"2.0","method":"rpc.input","params":{"id":${id},"item":${sent}}}\n`);
  };
  socket.on(
    'data',
    textLines((line) => {
      const reply = JSON.parse(line) as { params: { item: number } };
      if (reply.params.item !== received + 1) throw new Error(`reply ${reply.params.item}, not ${received + 1}`);
      if (++received === ITEMS) done?.(received);
      else if (sent < ITEMS) send();
    }),
  );
  return {
    call: () =>
      new Promise((resolve) => {
        id++;
        sent = received = 0;
        done = resolve;
        while (sent < WINDOW) send();
      }),
    close: async () => void socket.destroy(),
  };
}
