/**
 * Real redis-server processes for tests: a throwaway server on a free port,
 * which a test may kill -9 and restart on the same port, and a three-master
 * cluster made with `redis-cli --cluster create`.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const REDIS_SERVER = process.env.REDIS_SERVER ?? 'redis-server';
export const REDIS_CLI = process.env.REDIS_CLI ?? 'redis-cli';

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** A free loopback port; with `bus`, one whose cluster bus port (+10000) is free too. */
export async function freePort(bus = false): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 10_000);
    if ((await portFree(port)) && (!bus || (await portFree(port + 10_000)))) return port;
  }
}

export async function redisCli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run(REDIS_CLI, ['-h', '127.0.0.1', '-p', String(port), ...args]);
  return stdout.trim();
}

import type { TlsFiles } from '../../core/test/shared/tls-files.js';
import { pauseProcess } from '../../core/test/shared/pause.js';

export { makeCertificates, type TlsFiles } from '../../core/test/shared/tls-files.js';

export class RedisServer {
  #child: ChildProcess | undefined;
  readonly dir = mkdtempSync(join(tmpdir(), 'io-redis-'));

  private constructor(
    readonly port: number,
    readonly args: readonly string[],
    readonly tls: TlsFiles | undefined,
  ) {}

  /**
   * Start `redis-server` on a free port (no persistence unless `args` ask for it; TLS only with
   * `tls`). The port is chosen here (redis-server cannot take one from the OS): should another
   * process take it first, this starts again on another (up to three times).
   */
  static async start(args: readonly string[] = [], options: { bus?: boolean; tls?: TlsFiles } = {}): Promise<RedisServer> {
    for (let attempt = 1; ; attempt++) {
      const server = new RedisServer(await freePort(options.bus), args, options.tls);
      try {
        await server.restart();
        return server;
      } catch (e) {
        await server.stop();
        if (attempt === 3) throw e;
      }
    }
  }

  get url(): string {
    return `${this.tls ? 'rediss' : 'redis'}://127.0.0.1:${this.port}`;
  }

  /** (Re)start on the same port and wait until it answers PING. */
  async restart(): Promise<void> {
    const t = this.tls;
    const listen = t
      ? [
          '--port',
          '0',
          '--tls-port',
          String(this.port),
          '--tls-cert-file',
          t.cert,
          '--tls-key-file',
          t.key,
          '--tls-ca-cert-file',
          t.ca,
          '--tls-auth-clients',
          'no',
        ]
      : ['--port', String(this.port)];
    const args = [...listen, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir, ...this.args];
    const child = spawn(REDIS_SERVER, args, { stdio: 'ignore' });
    this.#child = child;
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}`))),
    );
    exited.catch(() => {});
    // Up when the server on the port is this one: another process's redis-server may hold the port.
    const info = [...(t ? ['--tls', '--cacert', t.ca] : []), 'info', 'server'];
    for (let i = 0; i < 100; i++) {
      const up = await Promise.race([
        redisCli(this.port, ...info).then(
          (r) => r.includes(`process_id:${child.pid}\r`) || r.includes(`process_id:${child.pid}\n`),
          () => false,
        ),
        exited,
      ]);
      if (up) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`redis-server on ${this.port} did not start`);
  }

  /** kill -9: no shutdown, nothing saved beyond what the AOF already holds. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await gone;
  }

  /** Send `signal` to the running redis-server (SIGSTOP: it stops answering with its connections open; SIGCONT). */
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

/** Three masters with `--cluster-enabled yes`, joined by `redis-cli --cluster create`. */
export class RedisCluster {
  private constructor(readonly nodes: RedisServer[]) {}

  static async start(): Promise<RedisCluster> {
    const nodes: RedisServer[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        const args = ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '2000'];
        nodes.push(await RedisServer.start(args, { bus: true }));
      }
      const addresses = nodes.map((n) => `127.0.0.1:${n.port}`);
      await run(REDIS_CLI, ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes']);
      for (const n of nodes) {
        for (let i = 0; !(await redisCli(n.port, 'cluster', 'info')).includes('cluster_state:ok'); i++) {
          if (i > 100) throw new Error('the cluster did not become ready');
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      return new RedisCluster(nodes);
    } catch (e) {
      await Promise.all(nodes.map((n) => n.stop()));
      throw e;
    }
  }

  /** A URL of one node: the transport finds the others. */
  get url(): string {
    return (this.nodes[0] as RedisServer).url;
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.stop()));
  }
}

/** A Redis Sentinel watching `master` (as `mymaster`, quorum 1, down after 1 s). */
export class RedisSentinel {
  private constructor(
    readonly port: number,
    readonly child: ChildProcess,
    readonly dir: string,
  ) {}

  static async start(master: RedisServer): Promise<RedisSentinel> {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'io-sentinel-'));
    const conf = join(dir, 'sentinel.conf');
    writeFileSync(
      conf,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `sentinel monitor mymaster 127.0.0.1 ${master.port} 1`,
        'sentinel down-after-milliseconds mymaster 1000',
        'sentinel failover-timeout mymaster 5000',
        '',
      ].join('\n'),
    );
    const child = spawn(REDIS_SERVER, [conf, '--sentinel'], { stdio: 'ignore' });
    const sentinel = new RedisSentinel(port, child, dir);
    for (let i = 0; ; i++) {
      const master = await redisCli(port, 'sentinel', 'get-master-addr-by-name', 'mymaster').catch(() => '');
      if (master.includes('127.0.0.1')) return sentinel;
      if (i > 100) throw new Error('sentinel did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** The master's port as the sentinel reports it. */
  async masterPort(): Promise<number> {
    const reply = await redisCli(this.port, 'sentinel', 'get-master-addr-by-name', 'mymaster');
    return Number(reply.split('\n')[1]);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const gone = new Promise((r) => this.child.once('exit', r));
      this.child.kill('SIGKILL');
      await gone;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
