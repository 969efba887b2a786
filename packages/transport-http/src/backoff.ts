/**
 * Reconnection with backoff for WebSocket clients: after a failed attempt
 * to reach a server, the next is allowed only after a delay that doubles
 * with each failure (with ±20% jitter, so that many clients of a server
 * that restarts do not all come back at once), up to a ceiling. Attempts
 * in between fail at once with UNAVAILABLE, saying when the next will be;
 * core's `waitForReady` calls wait and try again. A success resets it.
 */
import { RpcError } from '@interoffice/core/client';

export interface BackoffOptions {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

interface State {
  failures: number;
  nextAt: number;
  why: string;
}

export class Backoff {
  readonly #o: BackoffOptions;
  readonly #byUrl = new Map<string, State>();
  readonly #random: () => number;

  constructor(o: BackoffOptions, random: () => number = Math.random) {
    this.#o = o;
    this.#random = random;
  }

  /** Throws UNAVAILABLE while `url` is backing off. */
  check(url: string): void {
    const s = this.#byUrl.get(url);
    const wait = s === undefined ? 0 : s.nextAt - Date.now();
    if (s !== undefined && wait > 0)
      throw new RpcError(
        'UNAVAILABLE',
        `cannot connect to ${url}: ${s.why} (attempt ${s.failures + 1} in ${Math.ceil(wait)} ms)`,
      );
  }

  /** An attempt failed: the next waits longer. */
  failed(url: string, why: string): void {
    const s = this.#byUrl.get(url) ?? { failures: 0, nextAt: 0, why };
    s.failures++;
    s.why = why;
    const delay = Math.min(this.#o.maxDelayMs, this.#o.initialDelayMs * 2 ** (s.failures - 1));
    s.nextAt = Date.now() + delay * (0.8 + 0.4 * this.#random());
    this.#byUrl.set(url, s);
  }

  /** An attempt succeeded. */
  succeeded(url: string): void {
    this.#byUrl.delete(url);
  }

  /** How many attempts in a row have failed (for tests and logs). */
  failures(url: string): number {
    return this.#byUrl.get(url)?.failures ?? 0;
  }
}
