/**
 * Spin, then sleep: how one side waits for the other without blocking the
 * event loop for longer than the spin budget.
 *
 * After any activity the poller runs on the event loop (setImmediate): it
 * takes what is there, and if nothing is, it spins (looking at the rings)
 * for up to `spinMicros`. Work found → handled, and the poller lets the
 * promise jobs it set off run, then comes back: through a microtask for up
 * to {@link MICROTASK_BUDGET_MS} after the loop last ran it (a loop turn
 * costs a system call on every round trip), then through the
 * loop again, so I/O and timers get their turn. Nothing within the spin
 * budget → it sleeps: it sets its doorbell's sleeping flag, and the loop is
 * free. A thread of its own always waits on the doorbell's futex; the peer's
 * wake, or local activity (`kick`), brings the poller back.
 *
 * Spinning on the peer's CPU would keep the peer from running, so each side
 * publishes the CPU it runs on, and a spinner whose peer last ran on its CPU
 * yields between looks (without this, a round trip took several times as
 * long whenever the OS put both on one CPU: bench/README.md has the figures).
 */
import { currentCpu, FutexWaiter, schedYield } from '@interoffice/native';
import type { Doorbell } from './doorbell.js';

/** What a poller drives: one side's connections. */
export interface PollTarget {
  /** Do the work that is waiting; true if there was any. */
  poll(): boolean;
  /** Whether work is waiting (loads only: called in the spin loop). */
  ready(): boolean;
  /** Record the CPU this side runs on, for the peer. */
  publishCpu(cpu: number): void;
  /** Whether a peer last ran on `cpu`. */
  peerOn(cpu: number): boolean;
}

type State = 'sleeping' | 'scheduled' | 'running' | 'closed';

/** Looks at the rings between two readings of the clock (a reading costs more than a look). */
const SPINS_PER_CLOCK = 16;

/**
 * How long after the event loop last ran the poller it may come back
 * through microtasks (a sequential round trip is a little faster so:
 * bench/README.md); other I/O of the process waits at most this long (plus
 * one turn's work) while the rings are busy.
 */
const MICROTASK_BUDGET_MS = 0.2;

export class Poller {
  readonly #target: PollTarget;
  readonly #bell: Doorbell;
  readonly #spinMs: number;
  readonly #waiter: FutexWaiter;
  #state: State = 'sleeping';
  #immediate: ReturnType<typeof setImmediate> | undefined;
  /** When the event loop (not a microtask) last ran the poller. */
  #loopTurnAt = 0;
  /** The CPU last published for the peer. */
  #cpu = -1;

  constructor(buffer: ArrayBuffer, bell: Doorbell, target: PollTarget, spinMicros: number) {
    this.#target = target;
    this.#bell = bell;
    this.#spinMs = spinMicros / 1000;
    this.#waiter = new FutexWaiter(buffer, bell.offset, this.#onWake);
  }

  /** Local activity (a frame sent, a connection opened): look at the rings soon, spinning again. */
  kick(): void {
    if (this.#state !== 'sleeping') return;
    this.#bell.setSleeping(false);
    this.#schedule();
  }

  /** Stop for good; no work is done after this returns. */
  close(): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    if (this.#immediate !== undefined) clearImmediate(this.#immediate);
    this.#waiter.close();
  }

  #schedule(): void {
    this.#state = 'scheduled';
    if (performance.now() - this.#loopTurnAt < MICROTASK_BUDGET_MS) queueMicrotask(this.#run);
    else this.#immediate = setImmediate(this.#fromLoop);
  }

  readonly #fromLoop = (): void => {
    this.#immediate = undefined;
    this.#loopTurnAt = performance.now();
    this.#run();
  };

  readonly #run = (): void => {
    if (this.#state === 'closed') return;
    this.#state = 'running';
    this.#publishCpu(currentCpu());
    let worked = this.#target.poll();
    if (!worked && this.#spinMs > 0) {
      const until = performance.now() + this.#spinMs;
      spin: do {
        for (let i = 0; i < SPINS_PER_CLOCK; i++) {
          if (this.#target.ready()) {
            this.#target.poll();
            worked = true;
            break spin;
          }
        }
        // A peer on this CPU cannot run while we spin, and it is the one we wait for: let it.
        // (Yielding always would also hand the CPU to unrelated processes on a busy machine.)
        const cpu = currentCpu();
        this.#publishCpu(cpu);
        if (this.#target.peerOn(cpu)) schedYield();
      } while (performance.now() < until);
    }
    if (this.#state !== 'running') return; // closed by what it ran
    // Work done: let the loop run what it set off (promise jobs, I/O), then look again.
    if (worked) this.#schedule();
    else this.#sleep();
  };

  /**
   * Store the CPU only when it changed: a store, even of the same value,
   * takes the cache line from the peer, which reads it while it spins.
   */
  #publishCpu(cpu: number): void {
    if (cpu === this.#cpu) return;
    this.#cpu = cpu;
    this.#target.publishCpu(cpu);
  }

  /** Sleeping costs no system call: the waiter's thread is always in FUTEX_WAIT on the bell. */
  #sleep(): void {
    this.#bell.setSleeping(true);
    if (this.#target.ready()) {
      this.#bell.setSleeping(false);
      return this.#schedule();
    }
    this.#state = 'sleeping';
  }

  /** The bell moved: a peer woke us (or knocked while we were busy, which needs nothing). */
  readonly #onWake = (): void => {
    if (this.#state !== 'sleeping') return;
    this.#bell.setSleeping(false);
    this.#loopTurnAt = performance.now();
    this.#run();
  };
}
