/**
 * A server in a process of its own, for tests that kill, stop or restart
 * it: a Node script that prints `ready <url>` once it listens.
 */
import { type ChildProcess, spawn } from 'node:child_process';

export class ServerProcess {
  readonly #child: ChildProcess;
  #output = '';
  #exited = false;
  /** The URL the server printed when it was ready. */
  url = '';

  private constructor(child: ChildProcess) {
    this.#child = child;
    child.stdout?.setEncoding('utf8').on('data', (text: string) => {
      this.#output += text;
    });
    child.once('exit', () => {
      this.#exited = true;
    });
  }

  /** Run `node <script> ...args` and wait (up to `ms`) for its `ready <url>` line. */
  static async start(script: string, args: readonly string[], ms = 15_000): Promise<ServerProcess> {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    const p = new ServerProcess(child);
    const end = Date.now() + ms;
    for (;;) {
      const ready = /^ready (\S+)$/m.exec(p.#output);
      if (ready !== null) {
        p.url = ready[1] as string;
        return p;
      }
      if (p.#exited || Date.now() > end) {
        child.kill('SIGKILL');
        throw new Error(`${script} ${args.join(' ')} was not ready: ${p.#output}`);
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Everything it printed. */
  get output(): string {
    return this.#output;
  }

  get exited(): boolean {
    return this.#exited;
  }

  /** The process's id. */
  get pid(): number {
    return this.#child.pid ?? -1;
  }

  /** Send `signal` (`kill -9` by default) and resolve once the process has exited. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.#exited) return;
    const gone = new Promise((r) => this.#child.once('exit', r));
    this.#child.kill(signal);
    await gone;
  }

  /** Send `signal` without waiting for anything (SIGSTOP, SIGCONT). */
  signal(signal: NodeJS.Signals): void {
    if (!this.#exited) this.#child.kill(signal);
  }
}
