/**
 * The WebSocket client side: one connection per channel, over any
 * WebSocket with the browser's API — the browser's own, or the `ws`
 * package's on Node (ws-transport.ts passes it in). Attempts to reach a
 * server that is down back off (backoff.ts).
 */
import { RpcError, type Connection, type FrameHandler } from '@interoffice/core/client';
import type { Backoff } from './backoff.js';
import { closeError, WsConnection, type SocketLike } from './ws-connection.js';

/** The members of the browser's WebSocket API used here (the `ws` package has them too). */
export interface BrowserSocket extends SocketLike {
  binaryType: string;
  addEventListener(type: 'open', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: (event: { code: number; reason: string }) => void): void;
  addEventListener(type: 'error', listener: (event: { message?: string; error?: unknown }) => void): void;
  /** The `ws` package's own events (Node); absent in browsers. */
  on?(type: 'message', listener: (data: unknown, isBinary: boolean) => void): void;
}

/** Makes a socket dialing `url` (a browser: `new WebSocket(url)`). */
export type SocketFactory = (url: URL) => BrowserSocket;

export interface WsClientOptions {
  readonly maxFrameBytes: number;
  readonly maxBufferedBytes: number;
  readonly connectTimeoutMs: number;
}

/** Why a handshake failed, as an error for the caller: the server's refusal (403, the origin check) or nobody there. */
function failure(url: URL, why: string): RpcError {
  if (/\b403\b/.test(why)) return new RpcError('PERMISSION_DENIED', `${url.href} refused the connection: ${why} (allowOrigins?)`);
  return new RpcError('UNAVAILABLE', `cannot connect to ${url.href}: ${why}`);
}

export function connectWs(
  url: URL,
  handler: FrameHandler,
  open: SocketFactory,
  o: WsClientOptions,
  backoff: Backoff,
): Promise<Connection> {
  backoff.check(url.href);
  return new Promise((resolve, reject) => {
    let socket: BrowserSocket;
    try {
      socket = open(url);
    } catch (e) {
      return reject(new RpcError('INVALID_ARGUMENT', `cannot open ${url.href}: ${(e as Error).message}`));
    }
    socket.binaryType = 'arraybuffer';
    let conn: WsConnection | undefined;
    let why = 'the connection closed during the handshake';
    const timer = setTimeout(() => {
      why = `no handshake within ${o.connectTimeoutMs} ms`;
      socket.close();
    }, o.connectTimeoutMs);
    socket.addEventListener('error', (e) => {
      why = e.message ?? (e.error as Error | undefined)?.message ?? 'the connection failed';
    });
    socket.addEventListener('open', () => {
      clearTimeout(timer);
      backoff.succeeded(url.href);
      conn = new WsConnection(socket, {
        maxFrameBytes: o.maxFrameBytes,
        maxBufferedBytes: o.maxBufferedBytes,
        peer: { transport: url.protocol.slice(0, -1), address: url.href },
      });
      conn.attach(handler);
      resolve(conn);
    });
    const message = (data: unknown): void => conn?.receive(typeof data === 'string' ? data : new Uint8Array(data as ArrayBuffer));
    // On Node, the `ws` package's own event: the same data (text as a string), without a MessageEvent made for each message.
    if (typeof socket.on === 'function') socket.on('message', (data, isBinary) => message(isBinary ? data : String(data)));
    else socket.addEventListener('message', (e) => message(e.data));
    socket.addEventListener('close', (e) => {
      clearTimeout(timer);
      if (conn !== undefined) return conn.ended(closeError(e.code, e.reason));
      backoff.failed(url.href, why);
      reject(failure(url, why));
    });
  });
}
