/**
 * The server's side of one connection: parses frames, runs calls, sends
 * responses, and keeps serving whatever a peer sends.
 */
import type { Middleware } from '../call.js';
import { JsonRpcCode } from '../codes.js';
import {
  CANCEL_METHOD,
  encodeError,
  encodeItem,
  encodeResult,
  idFromHead,
  isId,
  type Id,
} from '../envelope.js';
import { RpcError } from '../error.js';
import { CallTable } from '../call-table.js';
import { DeadlineTimer } from '../deadline-timer.js';
import { frameTooLarge } from '../frame-size.js';
import { DISCOVER_METHOD } from '../openrpc.js';
import { parseSimpleRequest } from '../simple-frames.js';
import type { Logger } from '../logger.js';
import { metadataFromWire, type Metadata } from '../metadata.js';
import type { Connection, FrameHandler } from '../transport.js';
import type { Route, Router } from './router.js';
import { encodeOutput, invoke, isThenable, publicError, pumpItems, ServerCall } from './server-call.js';

/** What every session of a server shares. */
export interface SessionOptions {
  readonly router: Router;
  readonly middleware: readonly Middleware[];
  /** Milliseconds a call gets when its request carries no `timeout`. */
  readonly defaultTimeout: number;
  /** Calls in flight per connection before new ones get RESOURCE_EXHAUSTED. */
  readonly maxInFlight: number;
  readonly logger: Logger;
}

/** Receives the response to one message; `undefined` when there is none (notifications). */
type Respond = (frame: string | undefined) => void;

const noMeta: Metadata = Object.freeze({}) as Metadata;

function invalidRequest(id: Id, why: string): string {
  return encodeError(id, new RpcError('INVALID_ARGUMENT', `invalid request: ${why}`), undefined, JsonRpcCode.INVALID_REQUEST);
}

export class ServerSession implements FrameHandler {
  readonly #conn: Connection;
  readonly #opts: SessionOptions;
  readonly #inflight = new CallTable<ServerCall>();
  readonly #deadlines = new DeadlineTimer(
    this.#inflight,
    (call) => call.deadline,
    (_id, call) => call.expire?.(),
  );
  readonly #onClosed: (session: ServerSession) => void;
  #drainWaiters: (() => void)[] = [];
  #closed = false;
  #shuttingDown = false;
  #idle: (() => void) | undefined;
  readonly #send: Respond = (frame) => {
    if (frame !== undefined) this.#conn.send(frame);
  };

  constructor(conn: Connection, opts: SessionOptions, onClosed: (session: ServerSession) => void) {
    this.#conn = conn;
    this.#opts = opts;
    this.#onClosed = onClosed;
  }

  frame(frame: string): void {
    const simple = parseSimpleRequest(frame);
    if (simple !== undefined) {
      return this.#request(true, simple.id, simple.method, simple.params, noMeta, simple.timeout, this.#send);
    }
    let msg: unknown;
    try {
      msg = JSON.parse(frame);
    } catch (e) {
      const error = new RpcError('INVALID_ARGUMENT', `parse error: ${(e as Error).message}`);
      this.#send(encodeError(null, error, undefined, JsonRpcCode.PARSE_ERROR));
      return;
    }
    if (Array.isArray(msg)) this.#batch(msg);
    else this.#message(msg, this.#send);
  }

  oversized(head: string, bytes: number): void {
    const headId = idFromHead(head) ?? null;
    // An id already in flight belongs to another call: answering with it would fail that one.
    const id = this.#inflight.has(headId) ? null : headId;
    const max = this.#conn.maxFrameBytes;
    const error = new RpcError('RESOURCE_EXHAUSTED', `request of ${bytes} bytes exceeds the frame limit of ${max} bytes`);
    this.#send(encodeError(id, error));
  }

  drain(): void {
    const waiters = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const w of waiters) w();
  }

  closed(): void {
    if (this.#closed) return;
    this.#closed = true;
    const reason = new RpcError('CANCELLED', 'the connection closed');
    for (const call of this.#inflight.values()) call.abort(reason);
    this.#inflight.clear();
    this.#deadlines.stop();
    this.drain();
    this.#idle?.();
    this.#onClosed(this);
  }

  /** Refuse new calls; resolves when the calls in flight are done. */
  shutdown(): Promise<void> {
    this.#shuttingDown = true;
    if (this.#inflight.size === 0) return Promise.resolve();
    return new Promise((resolve) => (this.#idle = resolve));
  }

  /** Close the connection; calls still in flight are aborted. */
  close(): void {
    this.#conn.close();
    this.closed();
  }

  #batch(msgs: unknown[]): void {
    if (msgs.length === 0) {
      this.#send(invalidRequest(null, 'empty batch'));
      return;
    }
    const out: string[] = [];
    let left = msgs.length;
    const respond: Respond = (frame) => {
      if (frame !== undefined) out.push(frame);
      if (--left === 0 && out.length > 0) this.#send(`[${out.join(',')}]`);
    };
    for (const msg of msgs) this.#message(msg, respond);
  }

  #message(msg: unknown, respond: Respond): void {
    if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) {
      return respond(invalidRequest(null, 'a request must be an object'));
    }
    const m = msg as Record<string, unknown>;
    const hasId = 'id' in m;
    const id = isId(m.id) ? m.id : null;
    if (m.jsonrpc !== '2.0') return respond(invalidRequest(id, 'jsonrpc must be "2.0"'));
    const method = m.method;
    if (typeof method !== 'string') {
      // A response: this server never calls its clients, so there is nothing to match it to.
      if ('result' in m || 'error' in m) return respond(undefined);
      return respond(invalidRequest(id, 'method must be a string'));
    }
    if (hasId && !isId(m.id)) return respond(invalidRequest(null, 'id must be a string, a number or null'));
    this.#request(hasId, id, method, m.params, metadataFromWire(m.meta) ?? noMeta, m.timeout, respond);
  }

  /** A request whose envelope is valid: check its params, then run it (or the extension it names). */
  #request(
    hasId: boolean,
    id: Id,
    method: string,
    params: unknown,
    meta: Metadata,
    timeout: unknown,
    respond: Respond,
  ): void {
    if (params !== undefined && (typeof params !== 'object' || params === null)) {
      return respond(invalidRequest(id, 'params must be an object or an array'));
    }
    if (method === CANCEL_METHOD) {
      this.#cancel((params as { id?: unknown } | undefined)?.id);
      return respond(undefined);
    }
    if (method === DISCOVER_METHOD) {
      return respond(hasId ? `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":${this.#opts.router.discovery}}` : undefined);
    }
    const route = this.#opts.router.resolve(method);
    if (route instanceof RpcError) {
      if (!hasId) this.#opts.logger.warn(`notification for unknown method ${method} dropped`);
      return respond(hasId ? encodeError(id, route) : undefined);
    }
    if (!hasId) return this.#notification(route, params, meta, respond);
    this.#call(id, route, params, meta, timeout, respond);
  }

  #notification(route: Route, params: unknown, meta: Metadata, respond: Respond): void {
    respond(undefined);
    const call = new ServerCall(route.method, meta, Infinity, this.#conn.peer);
    const report = (e: unknown): void => this.#opts.logger.error(`notification ${route.method.fullName} failed`, e);
    try {
      const out = invoke(route, call, params, this.#opts.middleware);
      if (isThenable(out)) out.then(undefined, report);
    } catch (e) {
      report(e);
    }
  }

  #call(id: Id, route: Route, params: unknown, meta: Metadata, timeoutMember: unknown, respond: Respond): void {
    if (this.#inflight.has(id)) {
      return respond(invalidRequest(id, 'id is already used by a call in flight'));
    }
    if (this.#shuttingDown) return respond(encodeError(id, new RpcError('UNAVAILABLE', 'the server is shutting down')));
    if (this.#inflight.size >= this.#opts.maxInFlight) {
      const error = new RpcError('RESOURCE_EXHAUSTED', `more than ${this.#opts.maxInFlight} calls in flight`);
      return respond(encodeError(id, error));
    }
    const timeout =
      typeof timeoutMember === 'number' && timeoutMember >= 0 ? timeoutMember : this.#opts.defaultTimeout;
    if (timeout <= 0) {
      return respond(encodeError(id, new RpcError('DEADLINE_EXCEEDED', 'the deadline passed before the call started')));
    }
    const call = new ServerCall(route.method, meta, timeout === Infinity ? Infinity : Date.now() + timeout, this.#conn.peer);
    this.#inflight.set(id, call);
    let out: unknown;
    try {
      out = invoke(route, call, params, this.#opts.middleware);
    } catch (e) {
      return this.#fail(id, call, e, respond);
    }
    if (route.method.kind === 'serverStream') {
      this.#arm(id, call, timeout, respond);
      void this.#pump(id, call, out, respond);
    } else if (isThenable(out)) {
      this.#arm(id, call, timeout, respond);
      out.then(
        (value) => this.#finish(id, call, route, value, respond),
        (e: unknown) => this.#fail(id, call, e, respond),
      );
    } else {
      this.#finish(id, call, route, out, respond);
    }
  }

  /**
   * A call that did not finish at once can be ended early — by its deadline,
   * or by `rpc.cancel` — answering through its own `respond` (inside a batch,
   * the batch's answer waits for it).
   */
  #arm(id: Id, call: ServerCall, timeout: number, respond: Respond): void {
    call.expire = (reason = new RpcError('DEADLINE_EXCEEDED', `deadline of ${timeout} ms exceeded`)) => {
      if (!this.#take(id, call)) return;
      call.abort(reason);
      respond(encodeError(id, reason, call.responseMetaIfSet));
    };
    if (timeout !== Infinity) this.#deadlines.track(call.deadline);
  }

  /** Remove a call from the table if it is still the one in flight under `id`. */
  #take(id: Id, call: ServerCall): boolean {
    if (this.#inflight.get(id) !== call) return false;
    this.#inflight.delete(id);
    if (this.#inflight.size === 0) this.#idle?.();
    return true;
  }

  #finish(id: Id, call: ServerCall, route: Route, value: unknown, respond: Respond): void {
    if (!this.#take(id, call)) return;
    let frame: string;
    try {
      frame = encodeResult(id, encodeOutput(route.method, value, this.#opts.logger), call.responseMetaIfSet);
    } catch (e) {
      // An invalid result, or one JSON cannot carry (a BigInt, a cycle).
      return respond(encodeError(id, publicError(e, route.method, this.#opts.logger), call.responseMetaIfSet));
    }
    const tooLarge = frameTooLarge(frame, this.#conn.maxFrameBytes, 'response');
    respond(tooLarge === undefined ? frame : encodeError(id, tooLarge));
  }

  #fail(id: Id, call: ServerCall, e: unknown, respond: Respond): void {
    if (!this.#take(id, call)) return;
    respond(encodeError(id, publicError(e, call.method, this.#opts.logger), call.responseMetaIfSet));
  }

  #cancel(id: unknown): void {
    if (!isId(id)) return;
    this.#inflight.get(id)?.expire?.(new RpcError('CANCELLED', 'cancelled by the caller'));
  }

  async #pump(id: Id, call: ServerCall, out: unknown, respond: Respond): Promise<void> {
    const sink = (wire: unknown): Promise<void> | undefined => {
      const frame = encodeItem(id, wire);
      const tooLarge = frameTooLarge(frame, this.#conn.maxFrameBytes, 'stream item');
      if (tooLarge !== undefined) throw tooLarge;
      if (this.#conn.send(frame) || this.#closed) return undefined;
      return new Promise<void>((r) => this.#drainWaiters.push(r));
    };
    try {
      await pumpItems(call, out, sink, this.#opts.logger);
      if (this.#take(id, call)) respond(encodeResult(id, null, call.responseMetaIfSet));
    } catch (e) {
      this.#fail(id, call, e, respond);
    }
  }
}
