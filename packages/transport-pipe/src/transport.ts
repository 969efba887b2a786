/**
 * JSON-RPC 2.0 over named pipes (`fifo:`) and over a process's standard
 * input and output (`stdio:`), one frame per line (NDJSON), as on sockets.
 */
import type { FrameTransport } from '@interoffice/core';
import { connectPipe } from './client.js';
import { resolveOptions, type PipeTransportOptions } from './options.js';
import { listenPipe } from './server.js';

/**
 * The pipe transport, for `fifo:` and `stdio:` URLs.
 *
 * @example
 * // Alice, on her own stdin and stdout, started by her client:
 * await serve(impl, { listen: ['stdio:'], transports: [pipeTransport()] });
 * // Bob, who starts her:
 * const channel = await connect('stdio:', { transports: [pipeTransport({ command: ['node', 'alice.js'] })] });
 * // Or two programs started on their own, meeting at a folder:
 * await serve(impl, { listen: ['fifo:///tmp/calc'], transports: [pipeTransport()] });
 */
export function pipeTransport(options: PipeTransportOptions = {}): FrameTransport {
  const o = resolveOptions(options);
  return {
    schemes: ['fifo', 'stdio'],
    connect: async (url, handler) => connectPipe(url, handler, o),
    listen: async (url, accept) => listenPipe(url, accept, o),
  };
}
