/**
 * The WebSocket server side: upgrades under the endpoint's path become core
 * frame connections, after the origin check (a browser page of another
 * origin is refused unless listed in `allowOrigins`). The same upgrade
 * handler serves an endpoint of its own (`ws://127.0.0.1:8080/rpc/`) or is
 * mounted in your server (`httpHandler(...).upgrade`).
 */
import { createServer as createHttpServer, type IncomingMessage, type Server as NodeServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { RpcError, type Connection, type FrameHandler, type Listener } from '@interoffice/core';
import { WebSocketServer, type WebSocket } from 'ws';
import { isLoopback, webAddress } from './address.js';
import type { ResolvedWsOptions } from './options.js';
import { originAllowed } from './origins.js';
import { closeError, WsConnection } from './ws-connection.js';

/** Handles an upgrade request if it is for this endpoint (true), else leaves it (false). */
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => boolean;

/** Where core takes new connections; undefined while the endpoint is not serving. */
export type Accept = () => ((connection: Connection) => FrameHandler) | undefined;

/** The most a single message may be before the socket is closed (1009) rather than answered: past it, reading it is not worth it. */
export function hardLimit(maxFrameBytes: number): number {
  return Math.max(2 * maxFrameBytes, maxFrameBytes + 1024 * 1024);
}

/** Refuse an upgrade with an HTTP answer on the raw socket. */
function refuse(socket: Duplex, status: number, text: string): void {
  const reason = status === 403 ? 'Forbidden' : status === 404 ? 'Not Found' : 'Service Unavailable';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
  );
}

/**
 * Ping every `ms`; a socket that has not answered (or sent anything) since the last ping is dropped.
 * Returns what to call on each message (the socket's one message listener calls it: a second
 * listener would cost every message an emit to two).
 */
export function heartbeat(ws: WebSocket, ms: number): () => void {
  let alive = true;
  const seen = (): void => void (alive = true);
  if (ms === 0) return seen;
  ws.on('pong', seen);
  const timer = setInterval(() => {
    if (!alive) return ws.terminate();
    alive = false;
    ws.ping();
  }, ms).unref();
  ws.once('close', () => clearInterval(timer));
  return seen;
}

/** An upgrade handler for the endpoint at `path`; `open` holds its connections. */
export function wsUpgrade(
  path: string,
  secure: boolean,
  accept: Accept,
  o: ResolvedWsOptions,
  open: Set<WsConnection>,
): UpgradeHandler {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: hardLimit(o.maxFrameBytes),
    perMessageDeflate: false,
    clientTracking: false,
  });
  return (req, socket, head) => {
    const pathname = new URL(req.url ?? '/', 'http://h').pathname;
    if (pathname !== path && pathname !== path.slice(0, -1)) return false;
    const origin = req.headers.origin;
    if (!originAllowed(origin, req.headers.host, secure, o.allowOrigins)) {
      refuse(socket, 403, `origin ${origin} may not connect to this endpoint (allowOrigins)\n`);
      return true;
    }
    const take = accept();
    if (take === undefined) {
      refuse(socket, 503, 'the server is not serving\n');
      return true;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const peer = { transport: secure ? 'wss' : 'ws', address: `${req.socket.remoteAddress}:${req.socket.remotePort}` };
      const conn = new WsConnection(ws, {
        maxFrameBytes: o.maxFrameBytes,
        maxBufferedBytes: o.maxBufferedBytes,
        peer,
        pause: () => ws.pause(),
        resume: () => ws.resume(),
        // Going away; a peer that does not finish the closing handshake soon is cut off.
        close: () => {
          ws.close(1001, 'the server is closing');
          setTimeout(() => ws.terminate(), 1000).unref();
        },
      });
      open.add(conn);
      // Within the limit, Buffer's own decoding (faster here than TextDecoder); past it, the bytes, for their size and head.
      const seen = heartbeat(ws, o.heartbeatMs);
      ws.on('message', (data: Buffer) => {
        seen();
        conn.receive(data.length > o.maxFrameBytes ? data : data.toString());
      });
      ws.on('error', () => {}); // a close follows, which says what happened
      ws.on('close', (code: number, reason: Buffer) => {
        open.delete(conn);
        conn.ended(closeError(code, reason.toString()));
      });
      conn.attach(take(conn));
    });
    return true;
  };
}

/** A WebSocket endpoint of its own: a node:http (or https) server taking upgrades at the URL's path. */
export async function listenWs(url: URL, accept: (c: Connection) => FrameHandler, o: ResolvedWsOptions): Promise<Listener> {
  const a = webAddress(url);
  let closing = false;
  const open = new Set<WsConnection>();
  const upgrade = wsUpgrade(a.path, a.secure, () => (closing ? undefined : accept), o, open);
  let node: NodeServer;
  if (a.secure) {
    const { key, cert } = o.tls ?? {};
    if (key === undefined || cert === undefined)
      throw new RpcError('INVALID_ARGUMENT', `${url.href}: wss:// needs the transport's tls.key and tls.cert`);
    node = createHttpsServer({ key, cert });
  } else node = createHttpServer();
  node.on('upgrade', (req, socket, head) => {
    if (!upgrade(req, socket, head)) refuse(socket, 404, `nothing at ${req.url}\n`);
  });
  node.on('request', (_req, res) => {
    res.writeHead(426, { upgrade: 'websocket', 'content-type': 'text/plain; charset=utf-8' });
    res.end('this endpoint speaks WebSocket\n');
  });
  await new Promise<void>((resolve, reject) => {
    node.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        new RpcError(e.code === 'EADDRINUSE' ? 'ALREADY_EXISTS' : 'UNAVAILABLE', `cannot listen on ${url.href}: ${e.message}`),
      ),
    );
    node.listen(a.port, a.host, () => resolve());
  });
  if (!a.secure && !isLoopback(a.host))
    o.logger.warn(`${url.href}: serving unencrypted beyond this machine; use wss:// with tls options`);
  const bound = new URL(url.href);
  bound.port = String((node.address() as { port: number }).port);
  return {
    url: bound,
    // Stop taking connections; core closes those open after its grace period.
    async close() {
      closing = true;
      const done = new Promise<void>((resolve) => node.close(() => resolve()));
      node.closeIdleConnections();
      await done;
    },
  };
}
