/** A Mosquitto of a test's own, on a free loopback port: for restarts and credentials. */
import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mqttAvailable } from '../src/index.js';
import { until } from './helpers.js';
import { pauseProcess } from '../../core/test/shared/pause.js';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

class ExitedAtStart extends Error {}

export class Mosquitto {
  #child: ChildProcess | undefined;
  private constructor(
    readonly port: number,
    readonly config: string,
    readonly url: string,
  ) {}

  /** Start one; with `users`, only they get in (a password file made with mosquitto_passwd); `extra` lines go in its config. */
  static async start(
    users?: Record<string, string>,
    tls?: { cert: string; key: string; ca: string },
    extra: readonly string[] = [],
  ): Promise<Mosquitto> {
    // The port is the OS's pick, let go before mosquitto binds it: should another process take it
    // first, mosquitto exits at start and this tries another (up to three times).
    for (let attempt = 1; ; attempt++) {
      try {
        return await Mosquitto.#start(users, tls, extra);
      } catch (e) {
        if (attempt === 3 || !(e instanceof ExitedAtStart)) throw e;
      }
    }
  }

  static async #start(
    users: Record<string, string> | undefined,
    tls: { cert: string; key: string; ca: string } | undefined,
    extra: readonly string[],
  ): Promise<Mosquitto> {
    const dir = mkdtempSync(join(tmpdir(), 'mosq-'));
    chmodSync(dir, 0o755); // mosquitto started as root reads its files as the user mosquitto
    const port = await freePort();
    const lines = [`listener ${port} 127.0.0.1`, 'persistence false', 'set_tcp_nodelay true', ...extra];
    if (tls !== undefined) {
      writeFileSync(join(dir, 'cert.pem'), tls.cert, { mode: 0o644 });
      writeFileSync(join(dir, 'key.pem'), tls.key, { mode: 0o644 });
      lines.push(`certfile ${join(dir, 'cert.pem')}`, `keyfile ${join(dir, 'key.pem')}`);
    }
    if (users === undefined) lines.push('allow_anonymous true');
    else {
      const file = join(dir, 'passwd');
      writeFileSync(file, '', { mode: 0o644 });
      for (const [u, p] of Object.entries(users)) execFileSync('/usr/bin/mosquitto_passwd', ['-b', file, u, p]);
      lines.push('allow_anonymous false', `password_file ${file}`);
    }
    const config = join(dir, 'mosquitto.conf');
    writeFileSync(config, `${lines.join('\n')}\n`);
    const m = new Mosquitto(port, config, `${tls === undefined ? 'mqtt' : 'mqtts'}://127.0.0.1:${port}`);
    await m.run(users === undefined ? undefined : Object.entries(users)[0], tls?.ca);
    return m;
  }

  /** (Re)start the process on the same port; resolves once it accepts connections. */
  async run(login?: [string, string], ca?: string): Promise<void> {
    const child = spawn('/usr/sbin/mosquitto', ['-c', this.config], { stdio: 'ignore' });
    this.#child = child;
    let exited = false;
    child.once('exit', () => (exited = true));
    const probe = login === undefined ? this.url : `mqtt://${login[0]}:${login[1]}@127.0.0.1:${this.port}`;
    const up = (): Promise<boolean> =>
      ca === undefined ? mqttAvailable(probe, 300) : mqttAvailable(this.url, 300, { tls: { ca } });
    // Up when ours answers: a broker answering while ours has exited is another process's.
    await until(async () => exited || ((await up()) && !exited), 10_000, `mosquitto on ${this.port}`);
    if (exited) throw new ExitedAtStart(`mosquitto on ${this.port} exited at start`);
  }

  /** Send `signal` to the running broker (SIGSTOP: it stops answering with its connections open; SIGCONT). */
  signal(signal: NodeJS.Signals): void {
    this.#child?.kill(signal);
  }

  /** SIGSTOP it, resolving once it is stopped (SIGCONT with {@link signal} to go on). */
  pause(): Promise<void> {
    return pauseProcess(this.#child);
  }

  async stop(): Promise<void> {
    const child = this.#child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return; // not running, or stopped already
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await gone;
  }
}
