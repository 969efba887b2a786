/**
 * The client side of `stdio:`: spawn the server, talk NDJSON over its stdin
 * and stdout. Its stderr is its log (inherited by default). `connect`
 * resolves once the process has answered a probe, so a command that fails
 * to start fails the connect (and `waitForReady` retries it); when the
 * process ends, pending calls fail with how it ended.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { RpcError, type Connection, type FrameHandler } from '@interoffice/core';
import { StreamConnection } from '@interoffice/core/ndjson';
import { stdioCommand } from './address.js';
import { ChildLife } from './child-life.js';
import type { PipeOptions } from './options.js';
import { looksLikeFrame, probe } from './stdio-probe.js';

export type StdioClientOptions = Omit<PipeOptions, 'source'>;

export async function connectStdio(url: URL, handler: FrameHandler, options: StdioClientOptions): Promise<Connection> {
  const argv = stdioCommand(url, options.command);
  const [program, ...args] = argv as [string, ...string[]];
  const name = argv.join(' ').slice(0, 120);
  const stderr = typeof options.stderr === 'function' ? 'pipe' : options.stderr;
  const child = spawn(program, args, { stdio: ['pipe', 'pipe', stderr], cwd: options.cwd, env: options.env, windowsHide: true });
  await started(child, name);
  if (typeof options.stderr === 'function') child.stderr?.setEncoding('utf8').on('data', options.stderr);
  child.on('error', (e) => options.logger.warn(`${name}: ${e.message}`));
  const life = new ChildLife(child, name);
  const stray = (line: string): void =>
    options.logger.warn(`${name} wrote a line on stdout that is not a frame (logs belong on stderr): ${line.slice(0, 200)}`);
  const { maxFrameBytes, maxBufferedBytes } = options;
  const peer = { transport: 'stdio', address: `${name} (pid ${child.pid})` };
  const input = child.stdout;
  const output = child.stdin;
  if (input === null || output === null) throw new RpcError('INTERNAL', `${name} was started without pipes`);
  const ignore = { line: () => {}, oversized: () => {} };
  const conn = new StreamConnection(input, output, { maxFrameBytes, maxBufferedBytes, pauseReads: false, peer }, ignore);
  if (options.probe) {
    try {
      await probe(conn, life, options.connectTimeoutMs, stray);
    } catch (e) {
      conn.close();
      life.stop(0);
      throw e;
    }
  }
  conn.onClose = () => life.stop();
  conn.attach({
    frame: (frame) => (looksLikeFrame(frame) ? handler.frame(frame) : stray(frame)),
    oversized: (head, bytes) => handler.oversized(head, bytes),
    drain: () => handler.drain(),
    // Report the end once the process's exit is known, so pending calls learn how it ended.
    closed: (error) => {
      if (error instanceof RpcError && error.code !== 'UNAVAILABLE') return handler.closed(error);
      void life.ended().then((ended) => handler.closed(ended));
    },
  });
  return conn;
}

/** Resolves once the process runs; rejects with UNAVAILABLE when it cannot start. */
function started(child: ChildProcess, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    child.once('spawn', () => {
      child.off('error', onError);
      resolve();
    });
    const onError = (e: NodeJS.ErrnoException): void => {
      const why = e.code === 'ENOENT' ? 'no such program' : e.code === 'EACCES' ? 'permission denied' : (e.code ?? e.message);
      reject(new RpcError('UNAVAILABLE', `cannot start ${name}: ${why}`, { cause: e }));
    };
    child.once('error', onError);
  });
}
