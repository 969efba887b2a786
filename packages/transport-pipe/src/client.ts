/** The client side: `fifo:` opens a FIFO pair at a server's folder, `stdio:` spawns the server. */
import { RpcError, type Connection, type FrameHandler } from '@interoffice/core';
import { connectFifo } from './fifo-client.js';
import type { PipeOptions } from './options.js';
import { connectStdio } from './stdio-client.js';

/** FIFOs are POSIX; Windows has named pipes of another kind (the socket transport's `npipe:`). */
export function checkPosix(url: URL): void {
  if (url.protocol === 'fifo:' && process.platform === 'win32') {
    throw new RpcError('FAILED_PRECONDITION', 'fifo: URLs are POSIX FIFOs; on Windows use npipe:');
  }
}

export async function connectPipe(url: URL, handler: FrameHandler, o: PipeOptions): Promise<Connection> {
  checkPosix(url);
  return url.protocol === 'fifo:' ? connectFifo(url, handler, o) : connectStdio(url, handler, o);
}
