/**
 * Real nats-server processes for tests: one on a loopback port the OS picks (with
 * JetStream, auth or TLS as asked), which a test may kill -9 and restart on
 * the same port and store, and certificates made with openssl.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect as tcp, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from './helpers.js';
import { pauseProcess } from '../../core/test/shared/pause.js';

export const NATS_SERVER = process.env.NATS_SERVER ?? '/usr/sbin/nats-server';

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** A free loopback port (for the cluster, whose routes must be known at start). */
async function freePort(): Promise<number> {
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
  #port: number | undefined;
  /** The end of what the running nats-server logged (it logs to stderr): an error names why it stopped. */
  #log = '';
  readonly dir = mkdtempSync(join(tmpdir(), 'io-nats-'));

  private constructor(
    port: number | undefined,
    readonly args: readonly string[],
  ) {
    this.#port = port;
  }

  /**
   * Start `nats-server -js` with extra `args` (its store in a fresh directory),
   * on `port`, or on one the OS picks (`-p -1`): a port chosen here could be
   * taken by another process before nats-server binds it.
   */
  static async start(args: readonly string[] = [], port?: number): Promise<NatsServer> {
    const server = new NatsServer(port, args);
    await server.restart();
    return server;
  }

  get port(): number {
    if (this.#port === undefined) throw new Error('nats-server has not started');
    return this.#port;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  /** Start it again, on the port it had (after kill(): the same port and store). */
  async restart(): Promise<void> {
    const port = this.#port === undefined ? '-1' : String(this.#port);
    const child = spawn(NATS_SERVER, ['-a', '127.0.0.1', '-p', port, '-js', '-sd', this.dir, ...this.args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.#child = child;
    this.#log = '';
    child.stderr?.setEncoding('utf8').on('data', (t: string) => (this.#log = (this.#log + t).slice(-4096)));
    // A test process that ends without stopping it (a timeout, a crash) takes it along.
    const orphan = (): boolean => child.kill('SIGKILL');
    process.once('exit', orphan);
    child.once('exit', () => process.off('exit', orphan));
    let exited = false;
    child.once('exit', () => (exited = true));
    const listening = (): number | undefined => {
      const m = /Listening for client connections on 127\.0\.0\.1:(\d+)/.exec(this.#log);
      return m === null ? undefined : Number(m[1]);
    };
    await until(
      async () => exited || (this.#port === undefined ? listening() !== undefined : await accepts(this.#port)),
      10_000,
      `nats-server on ${port}`,
    );
    if (exited) throw new Error(`nats-server on ${port} exited at start: ${this.#log}`);
    this.#port ??= listening();
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

  /** SIGSTOP it, resolving once it is stopped (SIGCONT with {@link signal} to go on). */
  pause(): Promise<void> {
    return pauseProcess(this.#child);
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export { makeCertificates, type TlsFiles } from '../../core/test/shared/tls-files.js';

/**
 * `n` nats-servers routed to each other as one cluster (`io`). JetStream's
 * cluster mode wants its routes at start, so the ports are chosen here, not by
 * the OS: should another process take one first, the cluster is started again
 * on new ports (up to three times).
 */
export async function startCluster(n: number): Promise<NatsServer[]> {
  for (let attempt = 1; ; attempt++) {
    const ports = new Set<number>();
    while (ports.size < 2 * n) ports.add(await freePort());
    const [clients, routes] = [[...ports].slice(0, n), [...ports].slice(n)];
    const started = await Promise.allSettled(
      clients.map((port, i) =>
        NatsServer.start(
          [
            ...['-n', `n${i}`, '--cluster_name', 'io', '--cluster', `nats://127.0.0.1:${routes[i]}`],
            ...[
              '--routes',
              routes
                .filter((_, j) => j !== i)
                .map((p) => `nats://127.0.0.1:${p}`)
                .join(','),
            ],
          ],
          port,
        ),
      ),
    );
    const servers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    if (servers.length === n) return servers;
    for (const s of servers) await s.stop();
    const failure = started.find((s) => s.status === 'rejected') as PromiseRejectedResult;
    if (attempt === 3) throw failure.reason;
  }
}
