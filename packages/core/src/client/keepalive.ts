/**
 * Noticing a server that stopped answering — a stopped process, a pulled
 * cable — on a connection that stays open: while calls are in flight and
 * nothing has arrived for `intervalMs`, the channel sends a ping (an
 * `rpc.ping` request: any answer, even "method not found" from a plain
 * JSON-RPC server, proves the server is there); if nothing at all arrives
 * within `timeoutMs` after it, the connection is declared dead.
 */

/** Options of keepalive, in {@link ConnectOptions} (off unless given). */
export interface KeepaliveOptions {
  /** Milliseconds of silence, with calls in flight, before a ping. */
  readonly intervalMs: number;
  /** Milliseconds to wait for anything after a ping before the connection counts as dead. */
  readonly timeoutMs: number;
}

export function checkKeepalive(k: KeepaliveOptions | undefined): KeepaliveOptions | undefined {
  if (k === undefined) return undefined;
  for (const [name, v] of [
    ['intervalMs', k.intervalMs],
    ['timeoutMs', k.timeoutMs],
  ] as const) {
    if (typeof v !== 'number' || !(v >= 10) || !Number.isFinite(v)) {
      throw new TypeError(`keepalive.${name} must be a number of milliseconds ≥ 10 (got ${String(v)})`);
    }
  }
  return k;
}

export class Keepalive {
  #heard = Date.now();
  /** When the unanswered ping was sent; undefined when none is out. */
  #pinged: number | undefined;
  readonly #timer: ReturnType<typeof setInterval>;

  constructor(
    readonly options: KeepaliveOptions,
    /** Whether calls are in flight on the connection (an idle one is not pinged). */
    private readonly busy: () => boolean,
    private readonly ping: () => void,
    private readonly dead: (silentMs: number) => void,
  ) {
    this.#timer = setInterval(() => this.#tick(), Math.max(5, Math.min(options.intervalMs, options.timeoutMs) / 4));
    (this.#timer as { unref?: () => void }).unref?.(); // Node's; a browser's timer is a number
  }

  /** Something arrived from the server. */
  heard(): void {
    this.#heard = Date.now();
    this.#pinged = undefined;
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  #tick(): void {
    const now = Date.now();
    if (!this.busy()) {
      this.#pinged = undefined;
      this.#heard = now; // silence while nothing is asked is no sign of anything
      return;
    }
    if (this.#pinged !== undefined) {
      if (now - this.#pinged >= this.options.timeoutMs) {
        this.stop();
        this.dead(now - this.#heard);
      }
      return;
    }
    if (now - this.#heard >= this.options.intervalMs) {
      this.#pinged = now;
      this.ping();
    }
  }
}
