/**
 * One channel over several servers: each call goes to a healthy one, as the
 * balancing policy picks. Servers are health-checked in the background
 * (`rpc.health`, or the transport's own protocol), and a call that finds
 * its server gone (UNAVAILABLE) takes it out of the rotation at once; a
 * server comes back when a check says it serves again.
 */
import type { Channel, ChannelCall } from '../call.js';
import { RpcError } from '../error.js';
import type { Peer } from '../transport.js';
import { type BalancePolicy, type EndpointState, type Picker, picker } from './balance.js';
import { checkHealth } from './health.js';

/** How servers behind one channel are checked. */
export interface HealthOptions {
  /** Milliseconds between checks of a healthy server (5,000). */
  intervalMs?: number;
  /** Milliseconds a check may take before the server counts as unhealthy (2,000). */
  timeoutMs?: number;
  /** The service to ask about, by qualified name; `''` (the default) asks about the server as a whole. */
  service?: string;
}

/** The first recheck of a server found unhealthy; doubling up to the interval. */
const RECHECK_MS = 100;

interface Endpoint {
  readonly url: URL;
  readonly channel: Channel;
  readonly index: number;
  /** Why it is unhealthy, or did not answer its first check. */
  why: RpcError | undefined;
  /** Checks failed in a row, for the recheck backoff. */
  failures: number;
  /** Bumped when a call finds the server gone: a check begun before then is stale. */
  generation: number;
  checked: boolean;
  checking: boolean;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export class BalancedChannel implements Channel {
  readonly #endpoints: Endpoint[];
  readonly #states: EndpointState[];
  readonly #picker: Picker;
  readonly #policy: BalancePolicy;
  readonly #health: Required<HealthOptions> | false;
  /** Called on every change of state; each returns true when it is done listening. */
  readonly #listeners = new Set<() => boolean>();
  #closed = false;
  readonly peer: Peer;

  constructor(
    endpoints: readonly { readonly url: URL; readonly channel: Channel }[],
    policy: BalancePolicy,
    health: HealthOptions | false,
  ) {
    if (endpoints.length === 0) throw new TypeError('connect: give at least one address');
    this.#picker = picker(policy);
    this.#policy = policy;
    this.#health = health === false ? false : resolveHealth(health);
    this.#endpoints = endpoints.map((e, index) => ({
      url: e.url,
      channel: e.channel,
      index,
      why: undefined,
      failures: 0,
      generation: 0,
      checked: false,
      checking: false,
      timer: undefined,
    }));
    // Unchecked servers are tried when health checks are off: calls find out.
    this.#states = this.#endpoints.map(() => (health === false ? 'ready' : 'idle'));
    const schemes = new Set(endpoints.map((e) => e.url.protocol.slice(0, -1)));
    this.peer = {
      transport: schemes.size === 1 ? ([...schemes][0] as string) : 'mixed',
      address: endpoints.map((e) => e.channel.peer?.address ?? e.url.href).join(' '),
    };
  }

  /** The servers and what the client knows of each, in the order given. */
  get endpoints(): readonly { readonly url: URL; readonly state: EndpointState }[] {
    return this.#endpoints.map((e) => ({ url: e.url, state: this.#states[e.index] as EndpointState }));
  }

  /**
   * Begin checking every server. With `wait`, resolves once one serves (with
   * pick-first, the first in the list that does) and rejects (UNAVAILABLE,
   * with each server's reason) when none does at its first check.
   */
  async start(wait: boolean): Promise<void> {
    if (this.#health === false) return;
    for (const e of this.#endpoints) void this.#check(e);
    if (!wait) return;
    await new Promise<void>((resolve, reject) => {
      const settled = (): boolean => {
        if (this.#serving()) resolve();
        else if (this.#closed) reject(new RpcError('CANCELLED', 'the channel was closed'));
        else if (this.#endpoints.every((e) => e.checked)) reject(this.#noneServing('no server answered'));
        else return false;
        return true;
      };
      if (!settled()) this.#listeners.add(settled);
    });
  }

  /**
   * Whether the channel may take calls: a server serves — for pick-first,
   * one that every server listed before it has failed its first check, so
   * that the first that serves is the one picked.
   */
  #serving(): boolean {
    const first = this.#states.indexOf('ready');
    if (first === -1) return false;
    return this.#policy === 'round-robin' || this.#endpoints.slice(0, first).every((e) => e.checked);
  }

  unary(call: ChannelCall): Promise<unknown> {
    return this.unaryAvoiding(call, undefined);
  }

  /** A unary call on a server not in `tried` when one is healthy; the server chosen is added to `tried`. */
  unaryAvoiding(call: ChannelCall, tried: Set<unknown> | undefined): Promise<unknown> {
    const e = this.#pick(tried);
    if (e !== undefined) return this.#unaryOn(e, call);
    return this.#waitFor(call).then(() => this.unaryAvoiding(call, tried));
  }

  stream(call: ChannelCall): AsyncIterable<unknown> {
    return {
      [Symbol.asyncIterator]: () => {
        const e = this.#pick(undefined);
        if (e !== undefined) return e.channel.stream(call)[Symbol.asyncIterator]();
        return this.#streamLater(call);
      },
    };
  }

  async *#streamLater(call: ChannelCall): AsyncGenerator<unknown> {
    let e = this.#pick(undefined);
    while (e === undefined) {
      await this.#waitFor(call);
      e = this.#pick(undefined);
    }
    yield* e.channel.stream(call);
  }

  async notify(call: ChannelCall): Promise<void> {
    let e = this.#pick(undefined);
    while (e === undefined) {
      await this.#waitFor(call);
      e = this.#pick(undefined);
    }
    return e.channel.notify(call);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const e of this.#endpoints) clearTimeout(e.timer);
    this.#changed();
    await Promise.all(this.#endpoints.map((e) => e.channel.close()));
  }

  #pick(tried: Set<unknown> | undefined): Endpoint | undefined {
    if (this.#closed) return undefined;
    const eps = this.#endpoints;
    const i = this.#picker.pick(this.#states, tried === undefined ? undefined : (k) => tried.has(eps[k]));
    if (i === undefined) return undefined;
    const e = eps[i] as Endpoint;
    tried?.add(e);
    return e;
  }

  #unaryOn(e: Endpoint, call: ChannelCall): Promise<unknown> {
    const p = e.channel.unary(call);
    p.catch((err: unknown) => {
      if (err instanceof RpcError && err.code === 'UNAVAILABLE') this.#down(e, err);
    });
    return p;
  }

  /**
   * No server may take `call` now: with `waitForReady`, wait for one (until
   * its deadline); without, fail with UNAVAILABLE, as a lone channel does when
   * its server is down.
   */
  #waitFor(call: ChannelCall): Promise<void> {
    if (this.#closed) return Promise.reject(new RpcError('CANCELLED', 'the channel was closed'));
    if (!call.waitForReady) return Promise.reject(this.#noneServing('no healthy server'));
    return new Promise((resolve, reject) => {
      const left = call.deadline - Date.now();
      if (left <= 0) return reject(this.#noneServing('deadline exceeded waiting for a healthy server', 'DEADLINE_EXCEEDED'));
      const timer = Number.isFinite(left)
        ? setTimeout(() => end(this.#noneServing('deadline exceeded waiting for a healthy server', 'DEADLINE_EXCEEDED')), left)
        : undefined;
      const onAbort = (): void => end(new RpcError('CANCELLED', 'the call was cancelled'));
      call.signal?.addEventListener('abort', onAbort, { once: true });
      const end = (error: RpcError | undefined): void => {
        clearTimeout(timer);
        call.signal?.removeEventListener('abort', onAbort);
        this.#listeners.delete(listener);
        if (error === undefined) resolve();
        else reject(error);
      };
      const listener = (): boolean => {
        if (this.#closed) end(new RpcError('CANCELLED', 'the channel was closed'));
        else if (this.#states.includes('ready')) end(undefined);
        else return false;
        return true;
      };
      this.#listeners.add(listener);
    });
  }

  #noneServing(what: string, code: 'UNAVAILABLE' | 'DEADLINE_EXCEEDED' = 'UNAVAILABLE'): RpcError {
    const reasons = this.#endpoints.map((e) => `${e.url.href}: ${e.why?.message ?? this.#states[e.index]}`);
    return new RpcError(code, `${what}: ${reasons.join('; ')}`);
  }

  #set(e: Endpoint, state: EndpointState, why: RpcError | undefined): void {
    e.why = why;
    if (this.#states[e.index] === state) return;
    this.#states[e.index] = state;
    this.#changed();
  }

  #changed(): void {
    for (const listener of this.#listeners) if (listener()) this.#listeners.delete(listener);
  }

  /** A call found `e`'s server gone: out of the rotation now, checked again soon. */
  #down(e: Endpoint, why: RpcError): void {
    if (this.#closed || this.#states[e.index] === 'unhealthy') return;
    e.generation++;
    this.#set(e, 'unhealthy', why);
    if (this.#health === false) return this.#schedule(e, this.#recheck(e, 5000));
    if (!e.checking) void this.#check(e);
  }

  #schedule(e: Endpoint, ms: number): void {
    clearTimeout(e.timer);
    if (this.#closed) return;
    e.timer = setTimeout(() => void this.#check(e), ms);
    e.timer.unref?.();
  }

  /** The wait before the next check of a server that failed `e.failures` in a row. */
  #recheck(e: Endpoint, interval: number): number {
    return Math.min(interval, RECHECK_MS * 2 ** Math.max(0, e.failures - 1));
  }

  async #check(e: Endpoint): Promise<void> {
    const health = this.#health;
    if (health === false) {
      // Checks are off: a server taken out by a failed call comes back after a while, and calls find out.
      e.failures++;
      return this.#set(e, 'ready', undefined);
    }
    if (this.#closed || e.checking) return;
    e.checking = true;
    const generation = e.generation;
    const { status, why } = await checkHealth(e.channel, { service: health.service, deadline: Date.now() + health.timeoutMs });
    e.checking = false;
    if (this.#closed) return;
    e.checked = true;
    if (e.generation !== generation && status === 'SERVING') {
      // A call found it gone while this check was out: the answer may predate that.
      return this.#schedule(e, RECHECK_MS);
    }
    if (status === 'SERVING') {
      e.failures = 0;
      this.#set(e, 'ready', undefined);
      return this.#schedule(e, health.intervalMs);
    }
    e.failures++;
    this.#set(e, 'unhealthy', why);
    this.#changed(); // a first check that failed may settle start()
    this.#schedule(e, this.#recheck(e, health.intervalMs));
  }
}

function resolveHealth(h: HealthOptions): Required<HealthOptions> {
  const intervalMs = h.intervalMs ?? 5000;
  const timeoutMs = h.timeoutMs ?? 2000;
  if (!(intervalMs >= 10 && Number.isFinite(intervalMs)))
    throw new TypeError(`health: intervalMs must be ≥ 10 (got ${intervalMs})`);
  if (!(timeoutMs >= 1 && Number.isFinite(timeoutMs))) throw new TypeError(`health: timeoutMs must be ≥ 1 (got ${timeoutMs})`);
  return { intervalMs, timeoutMs, service: h.service ?? '' };
}
