/** What a bench row is: a named way of calling, its server, its baseline. */
import type { Caller } from '../measure.js';

export interface Row {
  name: string;
  /** The row this one is divided by; unset for baselines. */
  baseline?: string;
  /** The server kind (a key of some module's `servers`) its process runs. */
  server: string;
  /** Listen address; `$DIR` is a fresh temporary folder, `$N` the row's number. */
  address: string;
  /** At most this many sequential (and warm-up) calls: for rows that take long per call. */
  calls?: number;
  /**
   * `false`: left out of the curves (payload size, calls in flight,
   * connections) — for variants of a row that is in them.
   */
  curve?: false;
  /** At most this many connections in the connections curve (each costs a process, say). */
  maxConnections?: number;
  /**
   * A stream row: each call moves this many items, and the row's figures are
   * per item — p50 and p99 µs per item (a stream's time ÷ items), items/s in
   * calls/s, CPU µs per item.
   */
  items?: number;
  /** Calls in flight in the throughput turns, if not BENCH_INFLIGHT (stream rows: 1, one stream at a time). */
  inFlight?: number;
  /** Whether this machine can run the row now (a Redis answering, say); it is left out otherwise. */
  available?(): Promise<boolean>;
  client(url: URL): Promise<Caller>;
}

/**
 * Starts one kind of bench server in the server process; resolves with the
 * URL clients should use (a real port for port 0).
 */
export type StartServer = (url: URL) => Promise<URL>;
