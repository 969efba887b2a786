/**
 * The curves: how a row's cost grows with the work. Each point of each
 * curve is measured in turns that alternate between the rows (as in the
 * tables), against each row's baseline:
 *
 * - payload: one `echo` at a time of a string of 16 B … 8 MiB; p50 µs;
 * - inFlight: one connection keeping 1 … 1,024 calls outstanding; calls/s;
 * - connections: 1 … 1,000 connections, one call outstanding on each; calls/s.
 */
import { type Caller, keepBusy, quantile } from './measure.js';

export type CurveKind = 'payload' | 'inFlight' | 'connections';

export interface CurvePoint {
  curve: CurveKind;
  name: string;
  baseline?: string;
  placement: string;
  /** Payload bytes, calls in flight, or connections. */
  x: number;
  p50Us: number;
  p99Us: number;
  callsPerSec: number;
  /** Set when the point failed (a frame too large for a broker, say); the row's curve stops there. */
  error?: string;
}

export interface CurvePlan {
  payload: number[];
  inFlight: number[];
  connections: number[];
  /** Milliseconds per point and row, cut into `turns` that alternate between the rows. */
  ms: number;
  turns: number;
}

const KiB = 1024;
const MiB = 1024 * KiB;

/** `quick` keeps the whole bench within minutes; `full` draws every point. */
export const PLANS: Record<'quick' | 'full', CurvePlan> = {
  quick: {
    payload: [16, KiB, 64 * KiB, MiB, 8 * MiB],
    inFlight: [1, 16, 256, 1024],
    connections: [1, 10, 100],
    ms: 600,
    turns: 3,
  },
  full: {
    payload: [16, 64, 256, KiB, 4 * KiB, 16 * KiB, 64 * KiB, 256 * KiB, MiB, 4 * MiB, 8 * MiB],
    inFlight: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024],
    connections: [1, 3, 10, 30, 100, 300, 1000],
    ms: 1500,
    turns: 5,
  },
};

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_';

/** An ASCII string of `bytes` bytes with nothing to escape in JSON. */
export function payload(bytes: number): string {
  return ALPHABET.repeat(Math.ceil(bytes / ALPHABET.length)).slice(0, bytes);
}

/** `promise`, or a rejection after `ms` (a baseline that drops an oversized message never answers). */
export function within<T>(promise: PromiseLike<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    Promise.resolve(promise).finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms);
    }),
  ]);
}

/** A call not answered by then fails its point (Mosquitto, say, drops what its queue limits do not hold). */
const CALL_TIMEOUT_MS = 10_000;

/** Samples of one row at one point, gathered over the point's turns. */
export class PointTally {
  readonly times: number[] = [];
  calls = 0;
  ms = 0;
  error: string | undefined;

  figures(): { p50Us: number; p99Us: number; callsPerSec: number } {
    const sorted = Float64Array.from(this.times).sort();
    return { p50Us: quantile(sorted, 0.5), p99Us: quantile(sorted, 0.99), callsPerSec: this.calls / (this.ms / 1000) };
  }
}

/** Records a failure instead of throwing: the row's curve stops there. */
async function guarded(tally: PointTally, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (e) {
    tally.error = (e as Error).message;
  }
}

/**
 * One turn of sequential echoes of `s` for about `ms` (at least one), each
 * timed; the first answer of a point is checked, so a broken echo fails it.
 */
export function payloadTurn(tally: PointTally, echo: (s: string) => PromiseLike<unknown>, s: string, ms: number): Promise<void> {
  return guarded(tally, async () => {
    if (tally.calls === 0) {
      const back = await within(echo(s), CALL_TIMEOUT_MS, `echo of ${s.length} bytes`);
      if (typeof back !== 'string' || back.length !== s.length) throw new Error(`echo of ${s.length} bytes came back wrong`);
    }
    const t0 = performance.now();
    let n = 0;
    for (; n < 1 || (n < 2000 && performance.now() - t0 < ms); n++) {
      const t = process.hrtime.bigint();
      await within(echo(s), CALL_TIMEOUT_MS, `echo of ${s.length} bytes`);
      tally.times.push(Number(process.hrtime.bigint() - t) / 1000);
    }
    tally.calls += n;
    tally.ms += performance.now() - t0;
  });
}

/** The same for a synchronous function (the in-process floor). */
export function syncTurn(tally: PointTally, run: () => void, ms: number): void {
  if (tally.calls === 0) run();
  const t0 = performance.now();
  let n = 0;
  for (; n < 1 || (n < 2000 && performance.now() - t0 < ms); n++) {
    const t = process.hrtime.bigint();
    run();
    tally.times.push(Number(process.hrtime.bigint() - t) / 1000);
  }
  tally.calls += n;
  tally.ms += performance.now() - t0;
}

/** One turn of `perCaller` calls outstanding on each of `callers` for `ms`: completions, and each call's time. */
export function loadTurn(tally: PointTally, callers: readonly Caller[], perCaller: number, ms: number): Promise<void> {
  return guarded(tally, async () => {
    const timed = (caller: Caller) => async (): Promise<void> => {
      const t = process.hrtime.bigint();
      await within(caller.call(), CALL_TIMEOUT_MS, 'call');
      tally.times.push(Number(process.hrtime.bigint() - t) / 1000);
    };
    const t0 = performance.now();
    const done = await Promise.all(callers.map((c) => keepBusy(timed(c), perCaller, ms)));
    tally.calls += done.reduce((a, b) => a + b, 0);
    tally.ms += performance.now() - t0;
  });
}
