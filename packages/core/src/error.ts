import { isCode, type Code } from './codes.js';
import type { Metadata } from './metadata.js';

const brand = Symbol.for('interoffice.RpcError');

/** Options of {@link RpcError}. */
export interface RpcErrorOptions {
  /** Structured, JSON-able detail sent to the caller (e.g. validation issues). */
  details?: unknown;
  /** Response metadata that came with the error. */
  meta?: Metadata;
  /** The underlying error; kept locally, never sent on the wire. */
  cause?: unknown;
}

/**
 * The one error class of Interoffice: a canonical {@link Code} and a message.
 *
 * A service's own errors subclass it, so a handler's
 * `throw new AliceBroke('Yeah, we are only going to add numbers')` reaches the
 * caller with that code and message, and, when the service declares the class
 * in its `errors`, as an `AliceBroke` instance.
 *
 * `instanceof RpcError` also holds for errors from another copy of this
 * package (a brand is checked, not the prototype chain).
 */
export class RpcError extends Error {
  /** The canonical code. */
  readonly code: Code;
  /** JSON-able detail from the peer (validation issues, domain data). */
  readonly details: unknown;
  /** Response metadata that came with the error. */
  readonly meta: Metadata;

  constructor(code: Code, message: string, options: RpcErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details;
    this.meta = options.meta ?? {};
    // A subclass's name travels on the wire, so the client can rebuild it.
    this.name = new.target.name;
    Object.defineProperty(this, brand, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    // `this` is the class on the right of `instanceof`: a subclass checks its own prototype chain.
    // biome-ignore lint/complexity/noThisInStatic: RpcError itself checks the brand, subclasses the chain
    if (this !== RpcError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && brand in value;
  }

  /**
   * Turn any thrown value into an RpcError: an RpcError is returned as is,
   * an abort becomes CANCELLED (or DEADLINE_EXCEEDED for a timeout), anything
   * else gets `code` (UNKNOWN by default) and keeps its message.
   */
  static from(value: unknown, code: Code = 'UNKNOWN'): RpcError {
    if (value instanceof RpcError) return value;
    if (value instanceof Error || isDomException(value)) {
      if (value.name === 'AbortError') return new RpcError('CANCELLED', value.message, { cause: value });
      if (value.name === 'TimeoutError') {
        return new RpcError('DEADLINE_EXCEEDED', value.message, { cause: value });
      }
      return new RpcError(code, value.message, { cause: value });
    }
    return new RpcError(code, String(value), { cause: value });
  }
}

function isDomException(value: unknown): value is DOMException {
  return typeof DOMException !== 'undefined' && value instanceof DOMException;
}

/** Members every RpcError has: never taken from, or written as, an error's own fields. */
const BASE_MEMBERS = new Set(['code', 'message', 'name', 'details', 'meta', 'stack', 'cause', '__proto__', 'constructor']);

/**
 * The fields a service's error class set on an instance (`this.sku = sku`),
 * as JSON values, for the wire; undefined when it set none. Functions and
 * other values JSON cannot hold are left out, as JSON.stringify leaves them.
 */
export function errorFields(error: RpcError): Record<string, unknown> | undefined {
  let out: Record<string, unknown> | undefined;
  for (const key of Object.keys(error)) {
    if (BASE_MEMBERS.has(key)) continue;
    const text = JSON.stringify((error as unknown as Record<string, unknown>)[key]);
    if (text === undefined) continue;
    out ??= {};
    out[key] = JSON.parse(text) as unknown;
  }
  return out;
}

/** A class a service declares as one of its own errors. */
export type ErrorClass = abstract new (...args: never[]) => RpcError;

/**
 * Build an error of a declared class from wire data without running its
 * constructor (whose signature is the service's own business), with the
 * fields its class set on the server ({@link errorFields}).
 */
export function rebuildError(
  classes: ReadonlyMap<string, ErrorClass>,
  name: string | undefined,
  code: Code,
  message: string,
  options: RpcErrorOptions,
  fields?: unknown,
): RpcError {
  const cls = name === undefined ? undefined : classes.get(name);
  let error: RpcError;
  if (cls === undefined) {
    error = new RpcError(code, message, options);
    if (name !== undefined && name !== 'RpcError') error.name = name;
  } else error = Reflect.construct(RpcError, [code, message, options], cls) as RpcError;
  if (typeof fields === 'object' && fields !== null && !Array.isArray(fields)) {
    for (const [key, value] of Object.entries(fields)) {
      // Defined, not assigned: a peer's `__proto__` or a setter on the class must not run.
      if (!BASE_MEMBERS.has(key))
        Object.defineProperty(error, key, { value, enumerable: true, writable: true, configurable: true });
    }
  }
  return error;
}

/** Reads a code from untrusted wire data. */
export function codeOr(value: unknown, fallback: Code): Code {
  return isCode(value) ? value : fallback;
}
