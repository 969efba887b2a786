/**
 * JSON-RPC 2.0 over stream sockets — unix domain sockets, TCP and Windows
 * named pipes — one frame per line (NDJSON).
 */
import { RpcError, type FrameTransport } from '@interoffice/core';
import { socketAddress, type SocketAddress } from './address.js';
import { connectSocket } from './client.js';
import { resolveOptions, type SocketTransportOptions } from './options.js';
import { listenSocket } from './server.js';

function supported(url: URL): SocketAddress {
  const address = socketAddress(url);
  if (address.kind === 'npipe' && process.platform !== 'win32') {
    throw new RpcError('FAILED_PRECONDITION', 'npipe: URLs are Windows named pipes; use unix: here');
  }
  return address;
}

/**
 * The socket transport, for `unix:`, `tcp:`, `tls:` (TCP with TLS) and `npipe:` URLs.
 *
 * @example
 * const transports = [socketTransport({ authKey: process.env.CALC_KEY })];
 * const server = await serve(impl, { listen: ['unix:///run/user/1000/calc.sock'], transports });
 */
export function socketTransport(options: SocketTransportOptions = {}): FrameTransport {
  const o = resolveOptions(options);
  return {
    schemes: ['unix', 'tcp', 'tls', 'npipe'],
    connect: async (url, handler) => connectSocket(url, supported(url), o, handler),
    listen: async (url, accept) => listenSocket(url, supported(url), o, accept),
  };
}
