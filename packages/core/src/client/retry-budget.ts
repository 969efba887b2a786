/**
 * The retry budget of one channel: gRPC's retry throttling, a token bucket
 * that failures drain and successes refill. While it is more than half
 * full, retries and hedges go out; below that, each call gets one attempt,
 * so a server that fails most calls does not see every call two or three times.
 */
import type { RetryThrottling } from './retry-policy.js';

export class RetryBudget {
  readonly maxTokens: number;
  readonly tokenRatio: number;
  #tokens: number;

  constructor(options: RetryThrottling = {}) {
    const maxTokens = options.maxTokens ?? 100;
    const tokenRatio = options.tokenRatio ?? 0.1;
    if (!(maxTokens > 0 && maxTokens <= 1000))
      throw new TypeError(`retryThrottling: maxTokens must be in (0, 1000] (got ${maxTokens})`);
    if (!(tokenRatio > 0 && tokenRatio <= 1))
      throw new TypeError(`retryThrottling: tokenRatio must be in (0, 1] (got ${tokenRatio})`);
    this.maxTokens = maxTokens;
    this.tokenRatio = tokenRatio;
    this.#tokens = maxTokens;
  }

  /** Tokens left. */
  get tokens(): number {
    return this.#tokens;
  }

  /** Whether another attempt may be sent: more than half the tokens are left. */
  get allows(): boolean {
    return this.#tokens > this.maxTokens / 2;
  }

  /** An attempt failed with a retryable code (or the server's hint). */
  failure(): void {
    this.#tokens = Math.max(0, this.#tokens - 1);
  }

  /** A call succeeded. */
  success(): void {
    this.#tokens = Math.min(this.maxTokens, this.#tokens + this.tokenRatio);
  }
}
