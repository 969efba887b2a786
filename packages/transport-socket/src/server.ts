/** The server side: bind privately, accept, authenticate, and clean up. */
import { realpathSync } from 'node:fs';
import { lstat } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { basename, dirname, join, resolve } from 'node:path';
import type { Connection, FrameHandler, Listener } from '@interoffice/core';
import { StreamConnection } from '@interoffice/core/ndjson';
import { isLoopback, tcpName, type SocketAddress } from './address.js';
import { Refusal, serverHandshake } from './handshake.js';
import type { SocketOptions } from './options.js';
import { RefusalLog } from './refusals.js';
import { removeStaleSocket } from './stale.js';
import { tlsServer } from './tls.js';

const KEEPALIVE_MS = 15_000;

function listenOnce(server: Server, address: SocketAddress): Promise<void> {
  return new Promise((done, reject) => {
    server.once('error', reject);
    const listening = (): void => {
      server.off('error', reject);
      done();
    };
    if (address.kind === 'tcp' || address.kind === 'tls') {
      server.listen({ host: address.host, port: address.port }, listening);
      return;
    }
    // A unix socket is bound with no access for group and others: no chmod after, which would follow a symlink swapped in.
    let old: number | undefined;
    try {
      if (address.kind === 'unix') old = process.umask(0o177);
    } catch {
      // a worker thread cannot change the umask: the check in bind() decides
    }
    try {
      server.listen(address.path, listening);
    } finally {
      if (old !== undefined) process.umask(old);
    }
  });
}

/** Bind, replacing a stale unix socket; then check that the file bound is a socket only we can use. */
async function bind(server: Server, address: SocketAddress, url: URL): Promise<void> {
  try {
    await listenOnce(server, address);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (address.kind !== 'unix' || code !== 'EADDRINUSE')
      throw new Error(`cannot listen on ${url.href}: ${code ?? (e as Error).message}`, { cause: e });
    await removeStaleSocket(address.path);
    await listenOnce(server, address);
  }
  if (address.kind !== 'unix') return;
  const info = await lstat(address.path).catch(() => undefined);
  const mode = ((info?.mode ?? 0) & 0o777).toString(8).padStart(4, '0');
  const why = !info?.isSocket()
    ? 'was replaced right after it was bound'
    : (info.mode & 0o077) !== 0
      ? `has mode ${mode}: the umask let others in, and a worker thread cannot change it (set process.umask(0o077) first)`
      : undefined;
  if (why === undefined) return;
  server.close();
  throw new Error(`cannot listen on ${url.href}: the socket file ${why}`);
}

export async function listenSocket(
  url: URL,
  address: SocketAddress,
  o: SocketOptions,
  accept: (c: Connection) => FrameHandler,
): Promise<Listener> {
  const net = address.kind === 'tcp' || address.kind === 'tls';
  const server =
    address.kind === 'tls'
      ? tlsServer(url, o)
      : createServer({ noDelay: true, keepAlive: true, keepAliveInitialDelay: KEEPALIVE_MS });
  const refusals = new RefusalLog(url.href, o.logger);
  // The handshake names the address a peer reached: for a unix socket, its canonical path.
  const path = 'path' in address ? resolve(address.path) : '';
  let named = address.kind === 'unix' ? `unix://${path}` : `npipe://${path}`;
  try {
    if (address.kind === 'unix') named = `unix://${join(realpathSync(dirname(path)), basename(path))}`;
  } catch {
    // no such folder: bind will say so
  }
  let accepted = 0;
  server.on(address.kind === 'tls' ? 'secureConnection' : 'connection', (socket: Socket) => {
    if (address.kind === 'tls') socket.setNoDelay(true).setKeepAlive(true, KEEPALIVE_MS);
    const from = 'path' in address ? `${address.path}#${++accepted}` : `${socket.remoteAddress}:${socket.remotePort}`;
    // A client certificate the server required and verified authenticates the peer.
    const peer = { transport: address.kind, address: from, authenticated: (socket as TLSSocket).authorized === true };
    const options = { maxFrameBytes: o.maxFrameBytes, maxBufferedBytes: o.maxBufferedBytes, pauseReads: true, peer };
    const conn = new StreamConnection(socket, socket, options, { line: () => {}, oversized: () => {} });
    if (o.key === undefined) return conn.attach(accept(conn));
    const at = net ? tcpName(socket.localAddress, socket.localPort, address.kind === 'tls' ? 'tls' : 'tcp') : named;
    serverHandshake(conn, o.key, at, o.handshakeTimeoutMs, () => {
      peer.authenticated = true;
      conn.attach(accept(conn));
    }).catch((why: Refusal) => refusals.refused(net ? (socket.remoteAddress ?? '') : '', from, why));
  });
  // A client whose TLS handshake fails (no certificate, an untrusted one) never becomes a connection.
  server.on('tlsClientError', (e: NodeJS.ErrnoException, socket: TLSSocket) =>
    refusals.refused(
      socket.remoteAddress ?? '',
      `${socket.remoteAddress}:${socket.remotePort}`,
      new Refusal('tls', e.code ?? e.message),
    ),
  );
  await bind(server, address, url);
  if (address.kind === 'tcp' && o.key === undefined && !isLoopback(address.host)) {
    o.logger.warn(
      `${url.href}: serving beyond this machine unencrypted and unauthenticated: anyone who reaches the port can call; use tls:// (tls option) and/or a shared key (authKey)`,
    );
  }
  const bound = server.address();
  return {
    url:
      typeof bound === 'object' && bound !== null
        ? new URL(tcpName(bound.address, bound.port, address.kind === 'tls' ? 'tls' : 'tcp'))
        : url,
    async close() {
      server.close(); // libuv unlinks the socket file's path as it closes
      refusals.flush();
    },
  };
}
