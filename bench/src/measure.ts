/**
 * Sequential latency and concurrent throughput, measured in short turns
 * that alternate between the rows of one run, so that a change in the
 * machine's load hits every row alike and the ratios stay meaningful.
 * Each turn also counts the CPU time both sides used, per call.
 */

export interface Caller {
  /** The row's call: `add({a, b})` or its baseline's equivalent. */
  call(): PromiseLike<unknown>;
  /** Send `s` and get it back (the payload curve); rows without it are left out of that curve. */
  echo?(s: string): PromiseLike<unknown>;
  close(): Promise<void>;
}

/** Reads the CPU time (ns) each side has used so far. */
export interface CpuMeter {
  client(): number;
  server(): number;
}

/** CPU µs per call on each side. */
export interface CpuPerCall {
  client: number;
  server: number;
}

export interface Figures {
  p50us: number;
  p99us: number;
  callsPerSec: number;
  /** CPU per call while calling one at a time. */
  cpuSequential: CpuPerCall;
  /** CPU per call under load (the throughput turns). */
  cpuLoaded: CpuPerCall;
}

/** Sorted samples' quantile (nearest rank, floor). */
export function quantile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;
}

class CpuCount {
  client = 0;
  server = 0;
  calls = 0;
  async around(meter: CpuMeter, work: () => Promise<number>): Promise<void> {
    const [c0, s0] = [meter.client(), meter.server()];
    this.calls += await work();
    this.client += meter.client() - c0;
    this.server += meter.server() - s0;
  }
  perCall(): CpuPerCall {
    const us = (ns: number): number => (this.calls === 0 ? Number.NaN : ns / 1000 / this.calls);
    return { client: us(this.client), server: us(this.server) };
  }
}

/** Keep `inFlight` calls of `call` outstanding for `ms`; resolves with the calls completed. */
export async function keepBusy(call: () => PromiseLike<unknown>, inFlight: number, ms: number): Promise<number> {
  let stop = false;
  let done = 0;
  const timer = setTimeout(() => (stop = true), ms);
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (!stop) {
        await call();
        done++;
      }
    }),
  );
  clearTimeout(timer);
  return done;
}

/** Samples and counts gathered for one row in one placement, over all its turns. */
export class Tally {
  readonly #times: number[] = [];
  #calls = 0;
  #ms = 0;
  readonly #sequential = new CpuCount();
  readonly #loaded = new CpuCount();

  /** `n` sequential round trips, each timed; fewer (at least 3) if they take more than `maxMs`. */
  async latencyTurn(caller: Caller, n: number, meter: CpuMeter, maxMs = Number.POSITIVE_INFINITY): Promise<number> {
    let made = 0;
    await this.#sequential.around(meter, async () => {
      const end = performance.now() + maxMs;
      for (; made < n && (made < 3 || performance.now() < end); made++) {
        const t0 = process.hrtime.bigint();
        await caller.call();
        this.#times.push(Number(process.hrtime.bigint() - t0) / 1000);
      }
      return made;
    });
    return made;
  }

  /** Keep `inFlight` calls outstanding for `ms`, counting completions. */
  async throughputTurn(caller: Caller, inFlight: number, ms: number, meter: CpuMeter): Promise<void> {
    await this.#loaded.around(meter, async () => {
      const t0 = performance.now();
      const done = await keepBusy(() => caller.call(), inFlight, ms);
      this.#calls += done;
      this.#ms += performance.now() - t0;
      return done;
    });
  }

  figures(): Figures {
    const sorted = Float64Array.from(this.#times).sort();
    return {
      p50us: quantile(sorted, 0.5),
      p99us: quantile(sorted, 0.99),
      callsPerSec: this.#calls / (this.#ms / 1000),
      cpuSequential: this.#sequential.perCall(),
      cpuLoaded: this.#loaded.perCall(),
    };
  }
}
