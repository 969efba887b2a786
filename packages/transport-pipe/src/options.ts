/** The pipe transport's options, and their defaults. */
import { atLeast, resolveTransportOptions, type ResolvedTransportOptions, type TransportOptions } from '@interoffice/core';
import type { StreamSource } from './stdio-server.js';

/** Options of {@link pipeTransport}; `maxFrameBytes` (16 MiB) and `logger` (stderr) are every transport's. */
export interface PipeTransportOptions extends TransportOptions {
  /** Bytes queued for a peer before writes report backpressure and a server stops reading (4 MiB). */
  maxBufferedBytes?: number;
  /**
   * Milliseconds a client waits for the server: for `fifo:`, its `rpc.fifo.ready`;
   * for `stdio:`, the spawned process's answer to the readiness probe (5,000).
   * A FIFO server also checks this often on a client that has not written yet.
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
}

/** The options with their defaults applied. */
export interface PipeOptions extends ResolvedTransportOptions {
  readonly maxBufferedBytes: number;
  readonly connectTimeoutMs: number;
  readonly command: readonly string[] | undefined;
  readonly cwd: string | undefined;
  readonly env: NodeJS.ProcessEnv | undefined;
  readonly stderr: 'inherit' | 'ignore' | ((text: string) => void);
  readonly probe: boolean;
  readonly source: StreamSource | undefined;
}

const positive = (name: string, value: number): number => atLeast('pipeTransport', name, value, 1, true);

export function resolveOptions(o: PipeTransportOptions): PipeOptions {
  if (o.command !== undefined && (o.command.length === 0 || o.command.some((part) => typeof part !== 'string'))) {
    throw new TypeError("pipeTransport: command is the program and its arguments, as strings: ['node', 'alice.js']");
  }
  const stderr = o.stderr ?? 'inherit';
  if (stderr !== 'inherit' && stderr !== 'ignore' && typeof stderr !== 'function') {
    throw new TypeError(`pipeTransport: stderr must be 'inherit', 'ignore' or a function (got ${String(stderr)})`);
  }
  return {
    ...resolveTransportOptions('pipeTransport', o),
    maxBufferedBytes: positive('maxBufferedBytes', o.maxBufferedBytes ?? 4 * 1024 * 1024),
    connectTimeoutMs: positive('connectTimeoutMs', o.connectTimeoutMs ?? 5000),
    command: o.command,
    cwd: o.cwd,
    env: o.env,
    stderr,
    probe: o.probe ?? true,
    source: o.source,
  };
}
