/**
 * The client side of `fifo:` endpoints: check whose the server's folder is
 * (fifo-trust.ts), make a FIFO pair in it, ask for a connection with one
 * atomic line on the requests FIFO, wait for `rpc.fifo.ready`, then talk
 * NDJSON over the pair.
 */
import { randomBytes } from 'node:crypto';
import { write } from 'node:fs';
import type { Socket } from 'node:net';
import { promisify } from 'node:util';
import { RpcError, type Connection, type FrameHandler } from '@interoffice/core';
import { StreamConnection } from '@interoffice/core/ndjson';
import { fifoPaths, pairPaths } from './address.js';
import { closeFd, makeFifos, openFifoFd, openReader, openWriter, O_WRONLY, unlinkFifo } from './fifo-files.js';
import { isReadyLine, openLine, PIPE_BUF } from './fifo-lines.js';
import { checkServerFolder } from './fifo-trust.js';
import type { PipeOptions } from './options.js';

const writeFd = promisify(write);

/** What a FIFO client needs of the options; `connectTimeoutMs`: how long to wait for `rpc.fifo.ready`. */
export type FifoClientOptions = Pick<PipeOptions, 'maxFrameBytes' | 'maxBufferedBytes' | 'connectTimeoutMs'>;

export async function connectFifo(url: URL, handler: FrameHandler, options: FifoClientOptions): Promise<Connection> {
  const { dir, requests } = fifoPaths(url);
  const doorFd = await openFifoFd(requests, O_WRONLY).catch((e: NodeJS.ErrnoException) => {
    throw unreachable(e, url, requests);
  });
  try {
    await checkServerFolder(dir, doorFd, url);
  } catch (e) {
    await closeFd(doorFd).catch(() => {});
    throw e;
  }
  const id = randomBytes(12).toString('base64url');
  const pair = pairPaths(dir, id);
  let input: Socket | undefined;
  try {
    await makeFifos(pair.req, pair.res);
    input = await openReader(pair.res);
    await writeLine(doorFd, openLine(id), options.connectTimeoutMs);
    await closeFd(doorFd).catch(() => {});
    const first = await firstLine(input, options.connectTimeoutMs, url.href);
    if (!isReadyLine(first))
      throw new RpcError('UNAVAILABLE', `the server at ${url.href} did not answer as an Interoffice FIFO server`);
    const output = await openWriter(pair.req);
    const peer = { transport: 'fifo', address: url.href };
    const { maxFrameBytes, maxBufferedBytes } = options;
    const ignore = { line: () => {}, oversized: () => {} };
    const conn = new StreamConnection(input, output, { maxFrameBytes, maxBufferedBytes, pauseReads: false, peer }, ignore);
    conn.onClose = () => {
      void unlinkFifo(pair.req);
      void unlinkFifo(pair.res);
    };
    conn.attach(handler);
    input.resume();
    return conn;
  } catch (e) {
    input?.destroy();
    await closeFd(doorFd).catch(() => {});
    await Promise.all([unlinkFifo(pair.req), unlinkFifo(pair.res)]);
    throw RpcError.from(e, 'UNAVAILABLE');
  }
}

function unreachable(e: NodeJS.ErrnoException, url: URL, requests: string): RpcError {
  switch (e.code) {
    case 'ENOENT':
      return new RpcError('UNAVAILABLE', `no server at ${url.href}: ${requests} does not exist (is the server running?)`, {
        cause: e,
      });
    case 'ENXIO':
      return new RpcError('UNAVAILABLE', `no server at ${url.href}: nobody reads ${requests} (the server is not running)`, {
        cause: e,
      });
    case 'EACCES':
      return new RpcError('PERMISSION_DENIED', `cannot open ${requests}: permission denied (the server runs as another user)`, {
        cause: e,
      });
    default:
      return new RpcError('UNAVAILABLE', `cannot open ${requests}: ${e.code ?? e.message}`, { cause: e });
  }
}

/** Write `line` in one write(2): atomic, so it never interleaves with another client's. */
async function writeLine(fd: number, line: string, timeoutMs: number): Promise<void> {
  const bytes = Buffer.from(`${line}\n`);
  if (bytes.length > PIPE_BUF) throw new Error(`an opening line of ${bytes.length} bytes cannot be written atomically`);
  const deadline = Date.now() + timeoutMs;
  for (let wait = 5; ; wait = Math.min(wait * 2, 200)) {
    try {
      await writeFd(fd, bytes);
      return;
    } catch (e) {
      // EAGAIN: the requests FIFO is full (a busy server); wait, never spin.
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN' || Date.now() + wait > deadline) throw e;
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}

/** The first line the server writes, leaving any bytes after it in the stream. */
function firstLine(input: Socket, ms: number, href: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let held = Buffer.alloc(0);
    const finish = (error: Error | undefined, line = ''): void => {
      clearTimeout(timer);
      input.pause();
      input.off('data', onData).off('end', onEnd).off('error', onEnd);
      if (error === undefined) resolve(line);
      else reject(error);
    };
    const onData = (chunk: Buffer): void => {
      held = Buffer.concat([held, chunk]);
      const nl = held.indexOf(0x0a);
      if (nl === -1) {
        if (held.length > PIPE_BUF) finish(new RpcError('UNAVAILABLE', `the server at ${href} sent no handshake`));
        return;
      }
      finish(undefined, held.toString('utf8', 0, nl));
      if (nl + 1 < held.length) input.unshift(held.subarray(nl + 1));
    };
    const onEnd = (): void => finish(new RpcError('UNAVAILABLE', `the server at ${href} closed the connection while opening it`));
    const timer = setTimeout(
      () => finish(new RpcError('UNAVAILABLE', `the server at ${href} did not open the connection within ${ms} ms`)),
      ms,
    );
    input.on('data', onData).once('end', onEnd).once('error', onEnd);
  });
}
