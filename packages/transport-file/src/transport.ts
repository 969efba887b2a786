/**
 * The shared-file transport: a JSON file and its lock file, in the format of
 * the seed article's "Files" programs, which it serves and calls unchanged.
 * docs/transports/file.md describes the format and its guarantees.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { RpcError, type MessageTransport } from '@interoffice/core';
import { fileAddress } from './address.js';
import { untrustedFolder } from './folder.js';
import { FileClientConnection } from './client.js';
import { resolveOptions, type FileTransportOptions } from './options.js';
import { Presence } from './presence.js';
import { FileServer } from './server.js';

/**
 * The file transport, for `file:` URLs: `file:///tmp/calc/shared.json`
 * (`?lock=<name>` when the lock file is not `shared.json.lock`).
 *
 * @example
 * const transports = [fileTransport()];
 * const server = await serve(impl, { listen: ['file:///tmp/calc/shared.json'], transports });
 */
export function fileTransport(options: FileTransportOptions = {}): MessageTransport {
  const o = resolveOptions(options);
  const file = { watch: o.watch, pollMs: o.pollMs, write: o.write, logger: o.logger };
  return {
    kind: 'messages',
    schemes: ['file'],
    maxFrameBytes: o.maxFrameBytes,

    async connect(url, handler) {
      const address = fileAddress(url);
      if (!existsSync(address.dir)) throw new RpcError('UNAVAILABLE', `no folder ${address.dir} (is the server running?)`);
      const untrusted = untrustedFolder(address.dir);
      if (untrusted !== undefined) throw new RpcError('PERMISSION_DENIED', untrusted);
      return new FileClientConnection(url, address, o.maxFrameBytes, file, handler).opened();
    },

    async listen(url, core) {
      const address = fileAddress(url);
      mkdirSync(address.dir, { recursive: true, mode: 0o700 });
      const untrusted = untrustedFolder(address.dir);
      if (untrusted !== undefined) throw new RpcError('PERMISSION_DENIED', `cannot serve ${address.path}: ${untrusted}`);
      const presence = await Presence.hold(address.presencePath, address.path);
      const server = new FileServer(url, address, core, presence, { ...o, file });
      await server.start();
      return server;
    },
  };
}
