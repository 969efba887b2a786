/** The server side: `fifo:` serves a folder of FIFOs, `stdio:` this process's stdin and stdout. */
import type { Connection, FrameHandler, Listener } from '@interoffice/core';
import { checkPosix } from './client.js';
import { listenFifo } from './fifo-server.js';
import type { PipeOptions } from './options.js';
import { listenStdio, ownStdio } from './stdio-server.js';

export async function listenPipe(url: URL, accept: (connection: Connection) => FrameHandler, o: PipeOptions): Promise<Listener> {
  checkPosix(url);
  if (url.protocol === 'fifo:') return listenFifo(url, accept, o);
  return listenStdio(url, accept, { ...o, source: o.source ?? ownStdio });
}
