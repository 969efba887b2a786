/**
 * A stdio server's process, as its client sees it: started, and how it
 * ended — in words a pending call can carry ("node alice.js exited with
 * code 3"). Its stdout closing and its exit are separate events in either
 * order; the connection's end is reported once both are known, or after a
 * grace period if the process keeps running without its stdout.
 */
import type { ChildProcess } from 'node:child_process';
import { RpcError } from '@interoffice/core';

/** How long to wait for the exit after the stdout closed, and for an exit after asking. */
const GRACE_MS = 2000;

export class ChildLife {
  readonly name: string;
  readonly #child: ChildProcess;
  #exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  #waiters: (() => void)[] = [];
  #stopping = false;

  constructor(child: ChildProcess, name: string) {
    this.#child = child;
    this.name = name;
    child.once('exit', (code, signal) => {
      this.#exit = { code, signal };
      for (const w of this.#waiters.splice(0)) w();
    });
  }

  get exited(): boolean {
    return this.#exit !== undefined;
  }

  /** Why the connection ended, once the exit is known (or the grace period is over). */
  ended(): Promise<RpcError> {
    return new Promise((resolve) => {
      const report = (): void => {
        clearTimeout(timer);
        resolve(new RpcError('UNAVAILABLE', this.#describe()));
      };
      const timer = setTimeout(() => {
        this.stop(0);
        report();
      }, GRACE_MS);
      timer.unref();
      if (this.#exit !== undefined) report();
      else this.#waiters.push(report);
    });
  }

  #describe(): string {
    const exit = this.#exit;
    if (exit === undefined) return `${this.name} closed its stdout but kept running (stopped)`;
    if (exit.signal !== null) return `${this.name} was killed by ${exit.signal}`;
    return `${this.name} exited with code ${exit.code}`;
  }

  /**
   * Make sure the process ends: it has had its stdin closed; after `afterMs`
   * it gets SIGTERM, and SIGKILL if it is still there a grace period later.
   */
  stop(afterMs = GRACE_MS): void {
    if (this.#exit !== undefined || this.#stopping) return;
    this.#stopping = true;
    const term = setTimeout(() => {
      if (this.#exit !== undefined) return;
      this.#child.kill('SIGTERM');
      setTimeout(() => this.#exit === undefined && this.#child.kill('SIGKILL'), GRACE_MS).unref();
    }, afterMs);
    term.unref();
  }
}
