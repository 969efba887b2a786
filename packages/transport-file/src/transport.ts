/**
 * The shared-file transport: a JSON file and its lock file, in the format of
 * the seed article's "Files" programs, which it serves and calls unchanged.
 * docs/transports/file.md describes the format and its guarantees.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { RpcError, stderrLogger, type Connection, type FrameHandler, type FrameTransport, type Listener, type Logger } from '@interoffice/core';
import { fileAddress } from './address.js';
import { FileClientConnection } from './client.js';
import { Presence } from './presence.js';
import { FileServer } from './server.js';
import type { SharedFileOptions } from './shared-file.js';

/** Options of {@link fileTransport}. */
export interface FileTransportOptions {
  /** Largest frame — one entry, or one answer — in UTF-8 bytes (16 MiB). */
  maxFrameBytes?: number;
  /**
   * Wake on change events (inotify through `fs.watch` on the folder). Set
   * false where they do not arrive — a network filesystem written from other
   * hosts — and lower `pollMs` instead.
   */
  watch?: boolean;
  /** Milliseconds between polls of the file: the fallback when events are missed or off (100). */
  pollMs?: number;
  /**
   * How the file is written: `'rename'` (default) writes a temporary file and
   * renames it over the old one, so no reader ever sees half a document;
   * `'in-place'` overwrites the file and truncates it, for programs that keep
   * the file open across lock cycles (a rename leaves them reading the old file).
   */
  write?: 'rename' | 'in-place';
  /**
   * Milliseconds a server keeps an answer nobody removed (callers in the
   * seed's style never remove theirs): 60,000.
   */
  answeredTtlMs?: number;
  /** Bytes of answers and unread stream items a server lets pile up before a stream waits (1 MiB). */
  maxBufferedBytes?: number;
  /** Where corrupt files, repairs and long lock waits are reported (stderr). */
  logger?: Logger;
}

/**
 * The file transport, for `file:` URLs: `file:///tmp/calc/shared.json`
 * (`?lock=<name>` when the lock file is not `shared.json.lock`).
 *
 * @example
 * const transports = [fileTransport()];
 * const server = await serve(impl, { listen: ['file:///tmp/calc/shared.json'], transports });
 */
export function fileTransport(options: FileTransportOptions = {}): FrameTransport {
  const maxFrameBytes = options.maxFrameBytes ?? 16 * 1024 * 1024;
  const logger = options.logger ?? stderrLogger;
  const file: SharedFileOptions = {
    watch: options.watch ?? true,
    pollMs: options.pollMs ?? 100,
    write: options.write ?? 'rename',
    logger,
  };
  if (!(file.pollMs > 0)) throw new TypeError('pollMs must be a positive number of milliseconds');
  return {
    schemes: ['file'],

    async connect(url: URL, handler: FrameHandler): Promise<Connection> {
      const address = fileAddress(url);
      if (!existsSync(address.dir)) throw new RpcError('UNAVAILABLE', `no folder ${address.dir} (is the server running?)`);
      return new FileClientConnection(url, address, maxFrameBytes, file, handler).opened();
    },

    async listen(url: URL, accept: (connection: Connection) => FrameHandler): Promise<Listener> {
      const address = fileAddress(url);
      mkdirSync(address.dir, { recursive: true, mode: 0o700 });
      const presence = await Presence.hold(address.presencePath, address.path);
      const server = new FileServer(url, address, accept, presence, {
        maxFrameBytes,
        maxBufferedBytes: options.maxBufferedBytes ?? 1024 * 1024,
        answeredTtlMs: options.answeredTtlMs ?? 60_000,
        file,
        logger,
      });
      await server.start();
      return { url, close: () => server.close() };
    },
  };
}
