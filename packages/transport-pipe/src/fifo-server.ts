/**
 * The server side of `fifo:` endpoints. The URL's path is a folder (0700)
 * holding the requests FIFO (0600); a client opens a connection by writing
 * one short line there, and then talks over a FIFO pair of its own, so
 * messages of different clients can never interleave, whatever their size.
 */
import { lstat, rmdir } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { RpcError, type Connection, type FrameHandler, type Listener } from '@interoffice/core';
import { LineSplitter, StreamConnection } from '@interoffice/core/ndjson';
import { fifoPaths, isClientId, pairPaths } from './address.js';
import { DoorConnection } from './fifo-door.js';
import { closeFd, hasReader, makeFifos, openFifoFd, openReader, openWriter, O_WRONLY, unlinkFifo } from './fifo-files.js';
import { openedId, PIPE_BUF, READY_LINE } from './fifo-lines.js';
import { clearStale } from './fifo-stale.js';
import type { PipeOptions } from './options.js';
import { ensurePrivateDir, ownUid } from './private-dir.js';

/**
 * What a FIFO server needs of the options; `connectTimeoutMs` is also how
 * often it checks that a client which has not written yet still holds its
 * pair open.
 */
export type FifoServerOptions = Pick<PipeOptions, 'maxFrameBytes' | 'maxBufferedBytes' | 'connectTimeoutMs' | 'logger'>;

export async function listenFifo(
  url: URL,
  accept: (connection: Connection) => FrameHandler,
  options: FifoServerOptions,
): Promise<Listener> {
  const { dir, requests } = fifoPaths(url);
  await ensurePrivateDir(dir, 'the FIFO folder');
  await clearStale(dir, requests, url.href);
  await makeFifos(requests).catch((e: Error) => {
    throw new Error(`cannot listen on ${url.href}: ${e.message}`, { cause: e });
  });
  const ino = (await lstat(requests)).ino;
  const reader = await openReader(requests);
  // Holding a write end of our own means the reader never sees end-of-file when clients come and go.
  const keepOpen = await openFifoFd(requests, O_WRONLY);
  const pairs = new Map<StreamConnection, { id: string; req: string; res: string }>();
  const active = new Set<string>();
  let door: DoorConnection | undefined;
  let closed = false;

  const openPair = async (id: unknown): Promise<void> => {
    if (!isClientId(id)) return options.logger.warn(`ignored an opening on ${requests} with a malformed id`);
    if (active.has(id)) return options.logger.warn(`ignored a second opening on ${requests} for client ${id}`);
    active.add(id);
    const pair = { id, ...pairPaths(dir, id) };
    if (!(await ownFifo(pair.req)) || !(await ownFifo(pair.res))) {
      active.delete(id);
      return options.logger.warn(`ignored an opening on ${requests}: ${id}.req and ${id}.res must be FIFOs of this user`);
    }
    let input: Socket | undefined;
    let output: Socket;
    try {
      input = await openReader(pair.req);
      output = await openWriter(pair.res); // ENXIO: the client left before we answered
    } catch (e) {
      input?.destroy();
      active.delete(id);
      await Promise.all([unlinkFifo(pair.req), unlinkFifo(pair.res)]);
      return options.logger.warn(`could not open the FIFOs of client ${id}: ${(e as NodeJS.ErrnoException).code ?? e}`);
    }
    if (closed) {
      input.destroy();
      output.destroy();
      active.delete(id);
      return;
    }
    const peer = { transport: 'fifo', address: `${dir}/${id}` };
    const { maxFrameBytes, maxBufferedBytes } = options;
    const ignore = { line: () => {}, oversized: () => {} };
    const conn = new StreamConnection(input, output, { maxFrameBytes, maxBufferedBytes, pauseReads: true, peer }, ignore);
    pairs.set(conn, pair);
    const watch = watchUntilWritten(input, pair.res, options.connectTimeoutMs, () =>
      conn.fail(new RpcError('UNAVAILABLE', `client ${id} left`)),
    );
    conn.onClose = () => {
      clearInterval(watch);
      pairs.delete(conn);
      active.delete(id);
      void unlinkFifo(pair.req);
      void unlinkFifo(pair.res);
    };
    conn.attach(accept(conn));
    conn.writeLine(READY_LINE);
  };

  const splitter = new LineSplitter(PIPE_BUF, {
    line(line) {
      const id = openedId(line);
      if (id !== undefined) return void openPair(id).catch((e: Error) => options.logger.error('opening a FIFO pair failed', e));
      if (door === undefined) {
        door = new DoorConnection(requests, PIPE_BUF, options.logger);
        door.attach(accept(door));
      }
      door.frame(line);
    },
    oversized: (head, bytes) =>
      options.logger.warn(
        `dropped a ${bytes}-byte line on ${requests}: lines there must fit in ${PIPE_BUF} bytes: ${head.slice(0, 80)}`,
      ),
  });
  reader.on('data', (chunk: Buffer) => splitter.push(chunk));
  reader.on('error', (e) => options.logger.error(`reading ${requests} failed`, e));

  return {
    url,
    async close() {
      if (closed) return;
      closed = true;
      reader.destroy();
      await closeFd(keepOpen).catch(() => {});
      await unlinkFifo(requests, ino);
      // Open connections keep their descriptors and finish; their names go now.
      await Promise.all([...pairs.values()].flatMap((p) => [unlinkFifo(p.req), unlinkFifo(p.res)]));
      await rmdir(dir).catch(() => {}); // only if nothing else is in it
    },
  };
}

async function ownFifo(path: string): Promise<boolean> {
  const info = await lstat(path).catch(() => undefined);
  const uid = ownUid();
  return info !== undefined && info.isFIFO() && (uid === undefined || info.uid === uid);
}

/**
 * Until a client writes its first bytes, end-of-file on its request FIFO
 * cannot tell that it died (it may not have opened it yet). Meanwhile, check
 * now and then that it still holds its response FIFO open.
 */
function watchUntilWritten(input: Socket, res: string, ms: number, gone: () => void): ReturnType<typeof setInterval> {
  const timer = setInterval(() => {
    hasReader(res).then(
      (alive) => alive || gone(),
      () => gone(),
    );
  }, ms);
  timer.unref();
  input.once('data', () => clearInterval(timer));
  return timer;
}
