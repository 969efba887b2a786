/**
 * Retry and hedging policies, after gRPC's (gRFC A6): what may be retried,
 * how long to wait between attempts, and the server's say in it. Pure: no
 * timers and no calls here, so the arithmetic is tested on its own.
 */
import type { Code } from '../codes.js';
import type { RpcError } from '../error.js';

/** The codes a retry or a hedge may follow: the server was not there, or asked for a pause. */
export type RetryableCode = 'UNAVAILABLE' | 'RESOURCE_EXHAUSTED';

/**
 * When to run a failed call again. Only methods marked idempotent in the
 * schema (`idempotency: 'idempotent' | 'noSideEffects'`) are ever retried.
 */
export interface RetryPolicy {
  /** Attempts in all, the first included (3); at most 5, as gRPC caps it. */
  maxAttempts?: number;
  /** The longest wait before the first retry (100 ms): the wait is drawn uniformly from 0 to it. */
  initialBackoffMs?: number;
  /** The cap on the longest wait (5,000 ms). */
  maxBackoffMs?: number;
  /** How the longest wait grows with each retry (2). */
  backoffMultiplier?: number;
  /**
   * The codes that are retried (both by default). `RESOURCE_EXHAUSTED` is
   * retried only when the server sent a retry hint (`retry-after-ms`).
   */
  retryableStatusCodes?: readonly RetryableCode[];
}

/**
 * Send the same call again after a delay without waiting for the first to
 * fail, and take the first answer; for methods marked `noSideEffects` only
 * (reads), since every copy may run.
 */
export interface HedgingPolicy {
  /** Copies in all, the first included (2); at most 5. */
  maxAttempts?: number;
  /** Milliseconds between copies (required: it is the point of the policy). */
  hedgingDelayMs: number;
  /**
   * Codes after which the next copy goes at once rather than the call
   * failing (`UNAVAILABLE` by default); any other error ends the call.
   */
  nonFatalStatusCodes?: readonly RetryableCode[];
}

/**
 * The retry budget: a token bucket shared by a channel's calls, as gRPC's
 * `retryThrottling`. Each failed attempt takes a token, each success gives
 * back `tokenRatio`; retries and hedges are sent only while more than half
 * the tokens are left, so a failing server is not hit with every call's retries.
 */
export interface RetryThrottling {
  /** Size of the bucket (100); a full bucket allows `maxTokens / 2` failures in a row before retries stop. */
  maxTokens?: number;
  /** Tokens a success gives back (0.1): retries stop while more than about one attempt in 1 + 1/ratio fails. */
  tokenRatio?: number;
}

/** A {@link RetryPolicy} with every field set and checked. */
export interface ResolvedRetryPolicy {
  readonly maxAttempts: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly backoffMultiplier: number;
  readonly retryableStatusCodes: ReadonlySet<Code>;
}

/** A {@link HedgingPolicy} with every field set and checked. */
export interface ResolvedHedgingPolicy {
  readonly maxAttempts: number;
  readonly hedgingDelayMs: number;
  readonly nonFatalStatusCodes: ReadonlySet<Code>;
}

/** gRPC's cap on attempts: more only multiplies the load on a server in trouble. */
export const MAX_ATTEMPTS = 5;

const retryable: readonly RetryableCode[] = ['UNAVAILABLE', 'RESOURCE_EXHAUSTED'];

function check(what: string, value: number, ok: boolean): number {
  if (!ok || Number.isNaN(value)) throw new TypeError(`retry policy: ${what} (got ${value})`);
  return value;
}

function codes(what: string, given: readonly RetryableCode[] | undefined, fallback: readonly RetryableCode[]): Set<Code> {
  const list = given ?? fallback;
  for (const c of list)
    if (!retryable.includes(c)) throw new TypeError(`retry policy: ${what} may hold only ${retryable.join(' and ')}, not ${c}`);
  return new Set(list);
}

function attempts(value: number | undefined, fallback: number): number {
  const n = value ?? fallback;
  check('maxAttempts must be an integer ≥ 1', n, Number.isInteger(n) && n >= 1);
  return Math.min(n, MAX_ATTEMPTS);
}

/** Fill in the defaults of a retry policy; a TypeError names a bad field. */
export function resolveRetryPolicy(p: RetryPolicy): ResolvedRetryPolicy {
  const initialBackoffMs = p.initialBackoffMs ?? 100;
  const maxBackoffMs = p.maxBackoffMs ?? 5000;
  const backoffMultiplier = p.backoffMultiplier ?? 2;
  check('initialBackoffMs must be > 0', initialBackoffMs, initialBackoffMs > 0 && Number.isFinite(initialBackoffMs));
  check(
    'maxBackoffMs must be ≥ initialBackoffMs',
    maxBackoffMs,
    maxBackoffMs >= initialBackoffMs && Number.isFinite(maxBackoffMs),
  );
  check('backoffMultiplier must be ≥ 1', backoffMultiplier, backoffMultiplier >= 1 && Number.isFinite(backoffMultiplier));
  return {
    maxAttempts: attempts(p.maxAttempts, 3),
    initialBackoffMs,
    maxBackoffMs,
    backoffMultiplier,
    retryableStatusCodes: codes('retryableStatusCodes', p.retryableStatusCodes, retryable),
  };
}

/** Fill in the defaults of a hedging policy; a TypeError names a bad field. */
export function resolveHedgingPolicy(p: HedgingPolicy): ResolvedHedgingPolicy {
  const delay = p.hedgingDelayMs;
  check('hedgingDelayMs must be ≥ 0', delay, typeof delay === 'number' && delay >= 0 && Number.isFinite(delay));
  return {
    maxAttempts: attempts(p.maxAttempts, 2),
    hedgingDelayMs: delay,
    nonFatalStatusCodes: codes('nonFatalStatusCodes', p.nonFatalStatusCodes, ['UNAVAILABLE']),
  };
}

/**
 * The wait before retry number `retry` (1 for the first retry): uniform
 * from 0 to `min(initialBackoff × multiplier^(retry − 1), maxBackoff)` —
 * gRPC's full jitter, which spreads the retries of many clients that failed
 * at the same moment. `random` is `Math.random` but for tests.
 */
export function backoffDelay(policy: ResolvedRetryPolicy, retry: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.initialBackoffMs * policy.backoffMultiplier ** (retry - 1), policy.maxBackoffMs);
  return random() * ceiling;
}

/**
 * The response metadata key in which a server asks for a pause before the
 * next attempt, in whole milliseconds (gRPC's `grpc-retry-pushback-ms`):
 * `"250"` retries after 250 ms; a negative or malformed value asks the
 * client not to retry at all.
 */
export const RETRY_AFTER_KEY = 'retry-after-ms';

/** The request metadata key telling the server how many attempts came before this one (gRPC's `grpc-previous-rpc-attempts`). */
export const PREVIOUS_ATTEMPTS_KEY = 'previous-rpc-attempts';

/** What the server said about retrying: nothing, wait this long, or do not retry. */
export type RetryHint = undefined | number | 'stop';

/** The server's retry hint on `error`, from its response metadata. */
export function retryHint(error: RpcError): RetryHint {
  const raw = error.meta[RETRY_AFTER_KEY];
  if (raw === undefined) return undefined;
  return /^\d{1,9}$/.test(raw.trim()) ? Number(raw.trim()) : 'stop';
}

/**
 * Whether an attempt that failed with `error` may be followed by another:
 * its code is among `codes`, `RESOURCE_EXHAUSTED` only with a hint, and the
 * server did not ask to stop.
 */
export function mayRetry(error: RpcError, codes: ReadonlySet<Code>, hint: RetryHint): boolean {
  if (!codes.has(error.code) || hint === 'stop') return false;
  return error.code !== 'RESOURCE_EXHAUSTED' || hint !== undefined;
}
