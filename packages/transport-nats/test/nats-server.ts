/**
 * Real nats-server processes for tests: one on a free loopback port (with
 * JetStream, auth or TLS as asked), which a test may kill -9 and restart on
 * the same port and store, and certificates made with openssl.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as tcp, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { until } from './helpers.js';

const run = promisify(execFile);
export const NATS_SERVER = process.env.NATS_SERVER ?? '/usr/sbin/nats-server';

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** A free loopback port. */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 10_000);
    if (await portFree(port)) return port;
  }
}

const accepts = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = tcp(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });

export class NatsServer {
  #child: ChildProcess | undefined;
  readonly dir = mkdtempSync(join(tmpdir(), 'io-nats-'));

  private constructor(
    readonly port: number,
    readonly args: readonly string[],
  ) {}

  /** Start `nats-server -js` on a free port with extra `args` (its store in a fresh directory). */
  static async start(args: readonly string[] = [], port?: number): Promise<NatsServer> {
    const server = new NatsServer(port ?? (await freePort()), args);
    await server.restart();
    return server;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  async restart(): Promise<void> {
    const child = spawn(NATS_SERVER, ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.dir, ...this.args], {
      stdio: 'ignore',
    });
    this.#child = child;
    // A test process that ends without stopping it (a timeout, a crash) takes it along.
    const orphan = (): boolean => child.kill('SIGKILL');
    process.once('exit', orphan);
    child.once('exit', () => process.off('exit', orphan));
    let exited = false;
    child.once('exit', () => (exited = true));
    await until(async () => exited || (await accepts(this.port)), 10_000, `nats-server on ${this.port}`);
    if (exited) throw new Error(`nats-server on ${this.port} exited at start`);
  }

  /** kill -9, as a crash. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await gone;
  }

  /** Send `signal` to the running nats-server (SIGSTOP: it stops answering with its connections open; SIGCONT). */
  signal(signal: NodeJS.Signals): void {
    this.#child?.kill(signal);
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Certificate files for a TLS server: a CA, and a certificate it signed for 127.0.0.1. */
export interface TlsFiles {
  ca: string;
  cert: string;
  key: string;
}

/** Make a throwaway CA and a server certificate for 127.0.0.1 with openssl. */
export async function makeCertificates(dir: string): Promise<TlsFiles> {
  const f = (name: string): string => join(dir, name);
  const ssl = (...args: string[]) => run('openssl', args);
  await ssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=interoffice test CA',
    '-keyout',
    f('ca.key'),
    '-out',
    f('ca.crt'),
  );
  await ssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=127.0.0.1',
    '-keyout',
    f('server.key'),
    '-out',
    f('server.csr'),
  );
  writeFileSync(f('san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  await ssl(
    'x509',
    '-req',
    '-in',
    f('server.csr'),
    '-CA',
    f('ca.crt'),
    '-CAkey',
    f('ca.key'),
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    f('san.ext'),
    '-out',
    f('server.crt'),
  );
  return { ca: f('ca.crt'), cert: f('server.crt'), key: f('server.key') };
}
