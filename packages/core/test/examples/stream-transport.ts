// A frame transport: one connection per client, frames as lines on a unix socket.
import { createConnection, createServer } from 'node:net';
import { RpcError, type FrameTransport } from '../../src/index.js';
import { StreamConnection } from '../../src/ndjson/index.js';

export function lineSocketTransport(maxFrameBytes = 16 * 1024 * 1024): FrameTransport {
  const options = (pauseReads: boolean, address: string) => ({
    maxFrameBytes,
    maxBufferedBytes: 4 * 1024 * 1024,
    pauseReads, // a server stops reading a peer that does not read its answers
    peer: { transport: 'lines', address },
  });
  const ignore = { line() {}, oversized() {} }; // lines before attach (a handshake would read them)
  return {
    schemes: ['lines'],
    connect: (url, handler) =>
      new Promise((resolve, reject) => {
        const socket = createConnection(url.pathname);
        socket.once('error', (e) => reject(new RpcError('UNAVAILABLE', `cannot connect to ${url.href}: ${e.message}`)));
        socket.once('connect', () => {
          const conn = new StreamConnection(socket, socket, options(false, url.href), ignore);
          conn.attach(handler);
          resolve(conn);
        });
      }),
    listen: (url, accept) =>
      new Promise((resolve, reject) => {
        const server = createServer((socket) => {
          const conn = new StreamConnection(socket, socket, options(true, url.pathname), ignore);
          conn.attach(accept(conn));
        });
        server.once('error', reject);
        server.listen(url.pathname, () => resolve({ url, close: () => new Promise((r) => server.close(() => r())) }));
      }),
  };
}
