/**
 * JSON-RPC 2.0 over stream sockets — unix domain sockets, TCP and Windows
 * named pipes — one frame per line (NDJSON).
 */
import { chmod, stat, unlink } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import {
  RpcError,
  stderrLogger,
  type Connection,
  type FrameHandler,
  type Listener,
  type Logger,
  type Transport,
} from '@interoffice/core';
import { addressUrl, socketAddress, type SocketAddress } from './address.js';
import { CHALLENGE_PREFIX } from './auth.js';
import { StreamConnection } from '@interoffice/core/ndjson';
import { clientHandshake, serverHandshake } from './handshake.js';
import { removeStaleSocket } from './stale.js';

/** Options of {@link socketTransport}. */
export interface SocketTransportOptions {
  /** Largest frame in UTF-8 bytes, either way (16 MiB). */
  maxFrameBytes?: number;
  /**
   * A shared key: both sides prove they know it (HMAC-SHA256
   * challenge-response) before any frame is processed. Both ends need the same key.
   */
  authKey?: string | Uint8Array;
  /** Bytes queued for a peer before writes report backpressure and a server stops reading (4 MiB). */
  maxBufferedBytes?: number;
  /** Milliseconds allowed for the authentication handshake (5,000). */
  handshakeTimeoutMs?: number;
  /** Where refused peers are reported (stderr). */
  logger?: Logger;
}

const KEEPALIVE_MS = 15_000;

function connectSocket(address: SocketAddress, url: URL): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket =
      address.kind === 'tcp' ? createConnection({ host: address.host, port: address.port }) : createConnection(address.path);
    socket.once('connect', () => {
      socket.off('error', onError);
      resolve(socket);
    });
    const onError = (e: NodeJS.ErrnoException): void => {
      const why =
        e.code === 'ENOENT'
          ? 'no socket file there (is the server running?)'
          : e.code === 'ECONNREFUSED'
            ? 'connection refused (is the server running?)'
            : (e.code ?? e.message);
      reject(new RpcError('UNAVAILABLE', `cannot connect to ${url.href}: ${why}`, { cause: e }));
    };
    socket.once('error', onError);
  });
}

function listenOnce(server: Server, address: SocketAddress): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error): void => reject(e);
    server.once('error', onError);
    const done = (): void => {
      server.off('error', onError);
      resolve();
    };
    if (address.kind === 'tcp') {
      server.listen({ host: address.host, port: address.port }, done);
    } else if (address.kind === 'unix') {
      // Bind with no access for group and others, so there is no window before the chmod.
      let old: number | undefined;
      try {
        old = process.umask(0o177);
      } catch {
        // worker threads cannot change the umask; the chmod below still applies
      }
      try {
        server.listen(address.path, done);
      } finally {
        if (old !== undefined) process.umask(old);
      }
    } else {
      server.listen(address.path, done);
    }
  });
}

async function bind(server: Server, address: SocketAddress, url: URL): Promise<void> {
  try {
    await listenOnce(server, address);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (address.kind !== 'unix' || code !== 'EADDRINUSE') {
      throw new Error(`cannot listen on ${url.href}: ${code ?? (e as Error).message}`, { cause: e });
    }
    await removeStaleSocket(address.path);
    await listenOnce(server, address);
  }
  if (address.kind === 'unix') await chmod(address.path, 0o600);
}

/**
 * The socket transport, for `unix:`, `tcp:` and `npipe:` URLs.
 *
 * @example
 * const transports = [socketTransport({ authKey: process.env.CALC_KEY })];
 * const server = await serve(impl, { listen: ['unix:///tmp/calc.sock'], transports });
 */
export function socketTransport(options: SocketTransportOptions = {}): Transport {
  const maxFrameBytes = options.maxFrameBytes ?? 16 * 1024 * 1024;
  const maxBufferedBytes = options.maxBufferedBytes ?? 4 * 1024 * 1024;
  const handshakeTimeoutMs = options.handshakeTimeoutMs ?? 5000;
  const logger = options.logger ?? stderrLogger;
  const key = options.authKey === undefined ? undefined : Buffer.from(options.authKey);
  if (key !== undefined && key.length === 0) throw new TypeError('authKey must not be empty');
  const supported = (address: SocketAddress): void => {
    if (address.kind === 'npipe' && process.platform !== 'win32') {
      throw new RpcError('FAILED_PRECONDITION', 'npipe: URLs are Windows named pipes; use unix: here');
    }
  };

  return {
    schemes: ['unix', 'tcp', 'npipe'],

    async connect(url: URL, handler: FrameHandler): Promise<Connection> {
      const address = socketAddress(url);
      supported(address);
      const socket = await connectSocket(address, url);
      if (address.kind === 'tcp') {
        socket.setNoDelay(true);
        socket.setKeepAlive(true, KEEPALIVE_MS);
      }
      const peer = { transport: address.kind, address: url.href, authenticated: false };
      const ignore = { line: () => {}, oversized: () => {} };
      const conn: StreamConnection = new StreamConnection(
        socket,
        socket,
        { maxFrameBytes, maxBufferedBytes, pauseReads: false, peer },
        ignore,
      );
      // Without a key, a challenge as the first line means the server wants one.
      let first = key === undefined;
      const guarded: FrameHandler = {
        frame(frame) {
          if (first) {
            first = false;
            if (frame.startsWith(CHALLENGE_PREFIX)) {
              return conn.fail(new RpcError('UNAUTHENTICATED', 'the server requires a shared key (authKey)'));
            }
          }
          handler.frame(frame);
        },
        oversized: (head, bytes) => handler.oversized(head, bytes),
        drain: () => handler.drain(),
        closed: (error) => handler.closed(error),
      };
      // Attached at once (a handshake diverts lines until it is done), so a close
      // before any frame still reaches the channel.
      const attach = (): void => conn.attach(guarded);
      if (key === undefined) attach();
      if (key !== undefined) {
        await clientHandshake(conn, key, handshakeTimeoutMs, attach);
        peer.authenticated = true;
      }
      return conn;
    },

    async listen(url: URL, accept: (connection: Connection) => FrameHandler): Promise<Listener> {
      const address = socketAddress(url);
      supported(address);
      let accepted = 0;
      const server = createServer({ noDelay: true, keepAlive: true, keepAliveInitialDelay: KEEPALIVE_MS });
      server.on('connection', (socket) => {
        const n = ++accepted;
        const from = address.kind === 'tcp' ? `${socket.remoteAddress}:${socket.remotePort}` : `${address.path}#${n}`;
        const peer = { transport: address.kind, address: from, authenticated: false };
        const ignore = { line: () => {}, oversized: () => {} };
        const conn = new StreamConnection(socket, socket, { maxFrameBytes, maxBufferedBytes, pauseReads: true, peer }, ignore);
        if (key === undefined) {
          conn.attach(accept(conn));
          return;
        }
        serverHandshake(conn, key, handshakeTimeoutMs, () => {
          peer.authenticated = true;
          conn.attach(accept(conn));
        }).catch((e: Error) => logger.warn(`refused ${url.protocol} peer ${from}: ${e.message}`));
      });
      await bind(server, address, url);
      const bound = server.address();
      const actual =
        address.kind === 'tcp' && typeof bound === 'object' && bound !== null
          ? addressUrl({ kind: 'tcp', host: bound.address, port: bound.port }, url)
          : url;
      const ino = address.kind === 'unix' ? (await stat(address.path)).ino : undefined;
      return {
        url: actual,
        async close() {
          server.close();
          // Remove our socket file, but not one a newer server has put in its place.
          if (address.kind === 'unix' && (await stat(address.path).catch(() => undefined))?.ino === ino) {
            await unlink(address.path).catch(() => {});
          }
        },
      };
    },
  };
}
