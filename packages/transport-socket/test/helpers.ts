/** Test helpers: temp paths, a calculator service, raw NDJSON sockets. */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
export { until } from '../../core/test/shared/until.js';

const dir = mkdtempSync(join(tmpdir(), 'io-sock-'));
let n = 0;

/** A fresh unix socket path. */
export function socketPath(): string {
  return join(dir, `t${n++}.sock`);
}

// The Calculator every transport's tests share.
export { AliceBroke, Calculator, calculator } from '@interoffice/core/conformance';

/** A raw NDJSON socket: write lines, read parsed lines. */
export class RawSocket {
  readonly socket: Socket;
  readonly lines: string[] = [];
  #rest = '';
  #wake: (() => void) | undefined;
  ended = false;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      const parts = (this.#rest + chunk).split('\n');
      this.#rest = parts.pop() ?? '';
      this.lines.push(...parts);
      this.#wake?.();
    });
    socket.on('close', () => {
      this.ended = true;
      this.#wake?.();
    });
    socket.on('error', () => {});
  }

  static open(target: string | { host: string; port: number }): Promise<RawSocket> {
    return new Promise((resolve, reject) => {
      const s = typeof target === 'string' ? createConnection(target) : createConnection(target);
      s.once('connect', () => resolve(new RawSocket(s)));
      s.once('error', reject);
    });
  }

  write(text: string): void {
    this.socket.write(text);
  }

  /** The next line, parsed as JSON. */
  async next(ms = 3000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + ms;
    while (this.lines.length === 0) {
      if (this.ended) throw new Error('socket closed before a line arrived');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('no line in time');
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.#wake = () => {
          clearTimeout(t);
          r();
        };
      });
    }
    return JSON.parse(this.lines.shift() as string) as Record<string, unknown>;
  }

  /** Resolves when the peer has closed the socket. */
  async closed(ms = 3000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!this.ended) {
      if (Date.now() > deadline) throw new Error('socket still open');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A logger that keeps what it is told. */
export function memoryLogger(): { warnings: string[]; errors: string[]; warn(m: string): void; error(m: string): void } {
  const log = {
    warnings: [] as string[],
    errors: [] as string[],
    warn: (m: string) => void log.warnings.push(m),
    error: (m: string) => void log.errors.push(m),
  };
  return log;
}

/** A fixture script in its own process, with its stdout kept and waited on. */
export interface Fixture {
  readonly child: ChildProcess;
  output(): string;
  /** Resolves with the first match of `pattern` in stdout (waits for it, up to `ms`). */
  waitFor(pattern: RegExp, ms?: number): Promise<RegExpMatchArray>;
}

export function fixture(
  name: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; uid?: number; gid?: number } = {},
): Fixture {
  const child = spawn(process.execPath, [new URL(`./fixtures/${name}`, import.meta.url).pathname, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...options.env },
    ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.gid }),
  });
  let text = '';
  let exited = false;
  const wake = new Set<() => void>();
  child.stdout?.setEncoding('utf8').on('data', (t: string) => {
    text += t;
    for (const w of wake) w();
  });
  child.once('exit', () => {
    exited = true;
    for (const w of wake) w();
  });
  return {
    child,
    output: () => text,
    waitFor: (pattern, ms = 10_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => done(new Error(`no ${pattern} in time; output: ${text}`)), ms);
        const check = (): void => {
          const m = text.match(pattern);
          if (m !== null) done(undefined, m);
          else if (exited) done(new Error(`exited without ${pattern}; output: ${text}`));
        };
        const done = (e?: Error, m?: RegExpMatchArray): void => {
          clearTimeout(timer);
          wake.delete(check);
          if (e) reject(e);
          else resolve(m as RegExpMatchArray);
        };
        wake.add(check);
        check();
      }),
  };
}

/** A second local user for the length of a test file (we are root here): created with useradd, removed with userdel. */
export function otherUser(): { name: string; uid: number; gid: number; remove(): void } {
  const name = `io-sock-${process.pid}`;
  execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', name]);
  const id = (flag: string): number => Number(execFileSync('id', [flag, name], { encoding: 'utf8' }).trim());
  return { name, uid: id('-u'), gid: id('-g'), remove: () => execFileSync('userdel', [name]) };
}
