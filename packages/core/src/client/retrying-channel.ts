/**
 * Retries and hedging, as a channel around another: below the client's
 * middleware, so tracing and logging see one call however many attempts it
 * took, and above the balancer, so each attempt may go to another server.
 * Only unary calls of methods marked idempotent in the schema are ever sent
 * twice; every other call passes straight through.
 */
import type { Channel, ChannelCall } from '../call.js';
import { RpcError } from '../error.js';
import type { Metadata } from '../metadata.js';
import { BalancedChannel } from './balanced-channel.js';
import { RetryBudget } from './retry-budget.js';
import {
  backoffDelay,
  type HedgingPolicy,
  mayRetry,
  PREVIOUS_ATTEMPTS_KEY,
  type ResolvedHedgingPolicy,
  type ResolvedRetryPolicy,
  resolveHedgingPolicy,
  resolveRetryPolicy,
  type RetryPolicy,
  type RetryThrottling,
  retryHint,
} from './retry-policy.js';
import { sleep } from './sleep.js';

/** How a channel retries and hedges (see {@link retrying}). */
export interface RetryOptions {
  /** Retry idempotent methods (`idempotency: 'idempotent'` or `'noSideEffects'`) that fail with a retryable code. */
  retry?: RetryPolicy | undefined;
  /** Hedge `noSideEffects` methods (they then take this policy rather than `retry`). */
  hedging?: HedgingPolicy | undefined;
  /** The retry budget shared by the channel's calls (on by default: 100 tokens, 0.1 back per success). */
  retryThrottling?: RetryThrottling | undefined;
}

const cancelled = (): RpcError => new RpcError('CANCELLED', 'the call was cancelled');

/**
 * `channel` with retries and hedging of idempotent methods. Attempts keep
 * the call's deadline: none starts after it, and a backoff that would end
 * after it ends the call with the last attempt's error instead. Retries
 * carry `previous-rpc-attempts` in their request metadata; the server may
 * ask for a pause, or for no retry, with `retry-after-ms` in its error's
 * response metadata. `connect(url, { retry, hedging })` does this for you.
 *
 * @example
 * const channel = retrying(await connect(url, { transports }), { retry: { maxAttempts: 4 } });
 */
export function retrying(channel: Channel, options: RetryOptions): Channel {
  return new RetryingChannel(channel, options);
}

export class RetryingChannel implements Channel {
  readonly #inner: Channel;
  readonly #retry: ResolvedRetryPolicy | undefined;
  readonly #hedging: ResolvedHedgingPolicy | undefined;
  /** The retry budget, shared by every call of this channel. */
  readonly budget: RetryBudget;
  readonly health?: Channel['health'];

  constructor(inner: Channel, options: RetryOptions) {
    this.#inner = inner;
    this.#retry = options.retry === undefined ? undefined : resolveRetryPolicy(options.retry);
    this.#hedging = options.hedging === undefined ? undefined : resolveHedgingPolicy(options.hedging);
    this.budget = new RetryBudget(options.retryThrottling);
    if (inner.health !== undefined) this.health = (check) => (inner.health as NonNullable<Channel['health']>)(check);
  }

  get peer(): Channel['peer'] {
    return this.#inner.peer;
  }

  unary(call: ChannelCall): Promise<unknown> {
    const idempotency = call.kind === 'unary' ? call.descriptor?.idempotency : undefined;
    if (idempotency === undefined) return this.#inner.unary(call);
    if (this.#hedging !== undefined && idempotency === 'noSideEffects') return this.#hedge(call, this.#hedging);
    if (this.#retry !== undefined) return this.#retryLoop(call, this.#retry);
    return this.#inner.unary(call);
  }

  stream(call: ChannelCall): AsyncIterable<unknown> {
    return this.#inner.stream(call);
  }

  notify(call: ChannelCall): Promise<void> {
    return this.#inner.notify(call);
  }

  close(): Promise<void> {
    return this.#inner.close();
  }

  /** One attempt; on a balancer, to a server none of the call's earlier attempts went to when there is one. */
  #send(call: ChannelCall, tried: Set<unknown>): Promise<unknown> {
    const inner = this.#inner;
    return inner instanceof BalancedChannel ? inner.unaryAvoiding(call, tried) : inner.unary(call);
  }

  async #retryLoop(call: ChannelCall, policy: ResolvedRetryPolicy): Promise<unknown> {
    const tried = new Set<unknown>();
    let retries = 0; // since the last pause the server asked for: the backoff grows with it
    for (let attempt = 1; ; attempt++) {
      let meta: Metadata | undefined;
      try {
        const value = await this.#send(
          attemptOf(call, attempt, call.signal, (m) => (meta = m)),
          tried,
        );
        this.budget.success();
        if (meta !== undefined) call.onResponseMeta?.(meta);
        return value;
      } catch (e) {
        const error = RpcError.from(e);
        if (meta !== undefined) call.onResponseMeta?.(meta);
        const hint = retryHint(error);
        if (policy.retryableStatusCodes.has(error.code)) this.budget.failure();
        if (!mayRetry(error, policy.retryableStatusCodes, hint)) throw error;
        if (attempt >= policy.maxAttempts || !this.budget.allows || call.signal?.aborted) throw error;
        let wait: number;
        if (typeof hint === 'number') {
          wait = hint;
          retries = 0;
        } else wait = backoffDelay(policy, ++retries);
        if (Date.now() + wait >= call.deadline) throw error;
        await sleep(wait, call.signal);
      }
    }
  }

  /**
   * Send a copy now and another every `hedgingDelayMs` (at once after a
   * non-fatal failure) until one answers or `maxAttempts` are out: the first
   * answer wins and the other copies are cancelled; a fatal error ends the
   * call at once; when every copy failed, the last error is the call's.
   */
  #hedge(call: ChannelCall, policy: ResolvedHedgingPolicy): Promise<unknown> {
    if (call.signal?.aborted) return Promise.reject(cancelled());
    return new Promise((resolve, reject) => {
      const tried = new Set<unknown>();
      const out = new Set<AbortController>(); // copies sent and not yet answered
      let sent = 0;
      let done = false;
      let noMore = false; // the server asked for no more copies
      let last: { error: RpcError; meta: Metadata | undefined } | undefined;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const finish = (settle: () => void): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        call.signal?.removeEventListener('abort', onAbort);
        for (const c of out) c.abort(); // an abort costs an exception's stack: only for copies still out
        settle();
      };
      const fail = (): void => {
        const l = last as NonNullable<typeof last>;
        finish(() => {
          if (l.meta !== undefined) call.onResponseMeta?.(l.meta);
          reject(l.error);
        });
      };
      const onAbort = (): void => finish(() => reject(cancelled()));
      call.signal?.addEventListener('abort', onAbort, { once: true });

      const start = (): void => {
        if (done) return;
        clearTimeout(timer);
        if (sent > 0 && (noMore || sent >= policy.maxAttempts || !this.budget.allows || Date.now() >= call.deadline)) {
          if (out.size === 0) fail();
          return;
        }
        const control = new AbortController();
        out.add(control);
        sent++;
        let meta: Metadata | undefined;
        this.#send(
          attemptOf(call, sent, control.signal, (m) => (meta = m)),
          tried,
        ).then(
          (value) => {
            out.delete(control);
            this.budget.success();
            finish(() => {
              if (meta !== undefined) call.onResponseMeta?.(meta);
              resolve(value);
            });
          },
          (e: unknown) => {
            out.delete(control);
            if (done) return;
            const error = RpcError.from(e);
            const hint = retryHint(error);
            const nonFatal = policy.nonFatalStatusCodes.has(error.code);
            if (nonFatal) this.budget.failure();
            // RESOURCE_EXHAUSTED is non-fatal only with a hint; a hint to stop ends the hedging, not the copies out.
            if (!nonFatal || (error.code === 'RESOURCE_EXHAUSTED' && hint === undefined)) {
              return finish(() => {
                if (meta !== undefined) call.onResponseMeta?.(meta);
                reject(error);
              });
            }
            last = { error, meta };
            if (hint === 'stop') {
              noMore = true;
              if (out.size === 0) fail();
            } else if (typeof hint === 'number') {
              clearTimeout(timer);
              timer = setTimeout(start, hint);
            } else start();
          },
        );
        if (sent < policy.maxAttempts) timer = setTimeout(start, policy.hedgingDelayMs);
      };
      start();
    });
  }
}

/** Attempt `n` of `call`: its own signal and response metadata, and how many came before. */
function attemptOf(
  call: ChannelCall,
  n: number,
  signal: AbortSignal | undefined,
  onResponseMeta: (meta: Metadata) => void,
): ChannelCall {
  const meta = n === 1 ? call.meta : { ...call.meta, [PREVIOUS_ATTEMPTS_KEY]: String(n - 1) };
  return { ...call, meta, signal, onResponseMeta };
}
