/** A fixture process (test/fixtures/hop.mjs) and the lines it prints. */
import { type ChildProcess, spawn } from 'node:child_process';

export class Hop {
  readonly lines: string[] = [];
  readonly #child: ChildProcess;
  #waiters: (() => void)[] = [];
  #stderr = '';

  constructor(role: string, args: string[]) {
    const script = new URL('./fixtures/hop.mjs', import.meta.url).pathname;
    this.#child = spawn(process.execPath, [script, role, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let partial = '';
    this.#child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      this.lines.push(...parts);
      for (const wake of this.#waiters.splice(0)) wake();
    });
    this.#child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.#stderr += chunk;
    });
    this.#child.on('exit', () => {
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }

  /** Send one command line. */
  send(line: string): void {
    this.#child.stdin?.write(`${line}\n`);
  }

  /** The first line (from `from` on) starting with `prefix`, once printed; fails after `ms`. */
  async line(prefix: string, ms = 15_000, from = 0): Promise<string> {
    const end = Date.now() + ms;
    for (;;) {
      const found = this.lines.slice(from).find((l) => l.startsWith(prefix));
      if (found !== undefined) return found.slice(prefix.length).trim();
      if (this.#child.exitCode !== null || Date.now() > end) {
        throw new Error(`no "${prefix}" line; printed: ${this.lines.join(' | ')}; stderr: ${this.#stderr}`);
      }
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.max(0, end - Date.now()));
        this.#waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  /** Send `command` and parse the JSON of the reply line starting with `prefix`. */
  async ask<T>(command: string, prefix: string): Promise<T> {
    const from = this.lines.length;
    this.send(command);
    return JSON.parse(await this.line(prefix, 15_000, from)) as T;
  }

  stop(): Promise<void> {
    if (this.#child.exitCode !== null) return Promise.resolve();
    return new Promise((r) => {
      this.#child.once('exit', () => r());
      this.#child.kill('SIGTERM');
    });
  }
}
