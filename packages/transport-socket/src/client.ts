/** The client side: dial, check who owns a unix socket, authenticate. */
import { existsSync } from 'node:fs';
import { open, readlink, realpath, stat } from 'node:fs/promises';
import { createConnection, type Socket } from 'node:net';
import { RpcError, type Connection, type FrameHandler } from '@interoffice/core';
import { StreamConnection } from '@interoffice/core/ndjson';
import { tcpName, type SocketAddress } from './address.js';
import { REFUSED } from './auth.js';
import { clientHandshake } from './handshake.js';
import type { SocketOptions } from './options.js';
import { dialTls } from './tls.js';

const KEEPALIVE_MS = 15_000;
/** Linux's O_PATH: open a file for its inode only (a socket cannot be opened otherwise). */
const O_PATH = 0o10000000;
const viaProc = process.platform === 'linux' && existsSync('/proc/self/fd');

/**
 * Where to dial a unix socket, after checking its owner. On Linux the socket
 * file is opened (O_PATH) and dialed through /proc/self/fd, so the file
 * checked is the one connected to; elsewhere a stat precedes the connect.
 * `name` is its canonical path, for the handshake.
 */
async function pin(path: string, url: URL, o: SocketOptions): Promise<{ target: string; name: string; release(): void }> {
  const handle = viaProc ? await open(path, O_PATH).catch(() => undefined) : undefined;
  const target = handle === undefined ? path : `/proc/self/fd/${handle.fd}`;
  const release = (): void => void handle?.close().catch(() => {});
  const owner = (await stat(target).catch(() => undefined))?.uid;
  if (owner !== undefined && o.expectOwner !== undefined && owner !== o.expectOwner && owner !== 0) {
    release();
    throw new RpcError(
      'UNAUTHENTICATED',
      `${url.href}: the socket belongs to uid ${owner}, not to this user (uid ${o.expectOwner}) or root: refusing to talk to it (expectOwner names whom to trust)`,
    );
  }
  const name = `unix://${await (handle === undefined ? realpath(path) : readlink(target)).catch(() => path)}`;
  return { target, name, release };
}

function dial(target: string | { host: string; port: number }, url: URL): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = typeof target === 'string' ? createConnection(target) : createConnection(target);
    const onError = (e: NodeJS.ErrnoException): void => {
      const why =
        e.code === 'ENOENT'
          ? 'no socket file there (is the server running?)'
          : e.code === 'ECONNREFUSED'
            ? 'connection refused (is the server running?)'
            : (e.code ?? e.message);
      reject(new RpcError('UNAVAILABLE', `cannot connect to ${url.href}: ${why}`, { cause: e }));
    };
    socket.once('error', onError).once('connect', () => {
      socket.off('error', onError);
      resolve(socket);
    });
  });
}

export async function connectSocket(
  url: URL,
  address: SocketAddress,
  o: SocketOptions,
  handler: FrameHandler,
): Promise<Connection> {
  const pinned = address.kind === 'unix' ? await pin(address.path, url, o) : undefined;
  const socket =
    address.kind === 'tls'
      ? await dialTls(address.host, address.port, url, o)
      : await dial(address.kind === 'tcp' ? address : (pinned?.target ?? address.path), url).finally(() => pinned?.release());
  if (address.kind === 'tcp' || address.kind === 'tls') socket.setNoDelay(true).setKeepAlive(true, KEEPALIVE_MS);
  const peer = { transport: address.kind, address: url.href, authenticated: false };
  const options = { maxFrameBytes: o.maxFrameBytes, maxBufferedBytes: o.maxBufferedBytes, pauseReads: false, peer };
  const conn: StreamConnection = new StreamConnection(socket, socket, options, { line: () => {}, oversized: () => {} });
  // Without a key, a refusal as the first line means the server wants one.
  let first = o.key === undefined;
  const guarded: FrameHandler = {
    frame(frame) {
      if (first) {
        first = false;
        if (frame === REFUSED) return conn.fail(new RpcError('UNAUTHENTICATED', 'the server requires a shared key (authKey)'));
      }
      handler.frame(frame);
    },
    oversized: (head, bytes) => handler.oversized(head, bytes),
    drain: () => handler.drain(),
    closed: (error) => handler.closed(error),
  };
  // Attached at once (a handshake diverts lines until it is done), so a close before any frame reaches the channel.
  if (o.key === undefined) conn.attach(guarded);
  else {
    const dialed =
      address.kind === 'tcp' || address.kind === 'tls'
        ? tcpName(socket.remoteAddress, socket.remotePort, address.kind)
        : (pinned?.name ?? `npipe://${address.path}`);
    const timing = { timeoutMs: o.handshakeTimeoutMs, allowForwarding: o.allowForwarding };
    await clientHandshake(conn, o.key, dialed, timing, () => conn.attach(guarded));
    peer.authenticated = true;
  }
  return conn;
}
