/**
 * JSON-RPC 2.0 over named pipes (`fifo:`) and over a process's standard
 * input and output (`stdio:`), one frame per line (NDJSON), as on sockets.
 */
import {
  RpcError,
  stderrLogger,
  type Connection,
  type FrameHandler,
  type Listener,
  type Logger,
  type Transport,
} from '@interoffice/core';
import { connectFifo } from './fifo-client.js';
import { listenFifo } from './fifo-server.js';
import { connectStdio } from './stdio-client.js';
import { listenStdio, ownStdio, type StreamSource } from './stdio-server.js';

/** Options of {@link pipeTransport}. */
export interface PipeTransportOptions {
  /** Largest frame in UTF-8 bytes, either way (16 MiB). */
  maxFrameBytes?: number;
  /** Bytes queued for a peer before writes report backpressure and a server stops reading (4 MiB). */
  maxBufferedBytes?: number;
  /**
   * Milliseconds a client waits for the server: for `fifo:`, its `rpc.fifo.ready`;
   * for `stdio:`, the spawned process's answer to the readiness probe (5,000).
   */
  connectTimeoutMs?: number;
  /**
   * `stdio:` clients: the command `connect('stdio:')` spawns, program first,
   * e.g. `['node', 'alice.js']`. A URL may carry its own: `stdio:node?arg=alice.js`.
   */
  command?: readonly string[];
  /** `stdio:` clients: the spawned process's working directory (this process's). */
  cwd?: string;
  /** `stdio:` clients: the spawned process's environment (this process's). */
  env?: NodeJS.ProcessEnv;
  /**
   * `stdio:` clients: the spawned process's stderr, its log: shared with this
   * process's (`inherit`, the default), discarded, or handed to a function.
   */
  stderr?: 'inherit' | 'ignore' | ((text: string) => void);
  /**
   * `stdio:` clients: wait for the spawned process to answer a probe
   * (`rpc.discover`; any JSON-RPC answer counts) before `connect` resolves (true).
   */
  probe?: boolean;
  /**
   * `stdio:` servers: where connections come from. By default, one: this
   * process's stdin and stdout. See {@link StreamSource}.
   */
  source?: StreamSource;
  /** Where refused peers and stray output are reported (stderr). */
  logger?: Logger;
}

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
export function pipeTransport(options: PipeTransportOptions = {}): Transport {
  const maxFrameBytes = options.maxFrameBytes ?? 16 * 1024 * 1024;
  const maxBufferedBytes = options.maxBufferedBytes ?? 4 * 1024 * 1024;
  const connectTimeoutMs = options.connectTimeoutMs ?? 5000;
  const logger = options.logger ?? stderrLogger;
  const posix = (): void => {
    if (process.platform === 'win32') throw new RpcError('FAILED_PRECONDITION', 'fifo: URLs are POSIX FIFOs; on Windows use npipe:');
  };

  return {
    schemes: ['fifo', 'stdio'],

    connect(url: URL, handler: FrameHandler): Promise<Connection> {
      if (url.protocol === 'fifo:') return Promise.resolve().then(posix).then(() => connectFifo(url, handler, { maxFrameBytes, maxBufferedBytes, connectTimeoutMs }));
      return connectStdio(url, handler, {
        command: options.command,
        cwd: options.cwd,
        env: options.env,
        stderr: options.stderr ?? 'inherit',
        probe: options.probe ?? true,
        connectTimeoutMs,
        maxFrameBytes,
        maxBufferedBytes,
        logger,
      });
    },

    listen(url: URL, accept: (connection: Connection) => FrameHandler): Promise<Listener> {
      if (url.protocol === 'fifo:') {
        posix();
        return listenFifo(url, accept, { maxFrameBytes, maxBufferedBytes, checkMs: connectTimeoutMs, logger });
      }
      return listenStdio(url, accept, { maxFrameBytes, maxBufferedBytes, source: options.source ?? ownStdio });
    },
  };
}
