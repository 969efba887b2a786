/**
 * Sequential latency and concurrent throughput, measured in short turns
 * that alternate between the rows of one run, so that a change in the
 * machine's load hits every row alike and the ratios stay meaningful.
 */

export interface Caller {
  call(): PromiseLike<unknown>;
  close(): Promise<void>;
}

export interface Figures {
  p50us: number;
  p99us: number;
  callsPerSec: number;
}

/** Samples and counts gathered for one row over all its turns. */
export class Tally {
  readonly #times: number[] = [];
  #calls = 0;
  #ms = 0;

  /** `n` sequential round trips, each timed. */
  async latencyTurn(caller: Caller, n: number): Promise<void> {
    for (let i = 0; i < n; i++) {
      const t0 = process.hrtime.bigint();
      await caller.call();
      this.#times.push(Number(process.hrtime.bigint() - t0) / 1000);
    }
  }

  /** Keep `inFlight` calls outstanding for `ms`, counting completions. */
  async throughputTurn(caller: Caller, inFlight: number, ms: number): Promise<void> {
    let stop = false;
    let done = 0;
    const timer = setTimeout(() => (stop = true), ms);
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (!stop) {
          await caller.call();
          done++;
        }
      }),
    );
    clearTimeout(timer);
    this.#calls += done;
    this.#ms += performance.now() - t0;
  }

  figures(): Figures {
    const sorted = Float64Array.from(this.#times).sort();
    const at = (p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;
    return { p50us: at(0.5), p99us: at(0.99), callsPerSec: this.#calls / (this.#ms / 1000) };
  }
}
