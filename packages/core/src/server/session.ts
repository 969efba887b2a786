/**
 * The server's side of one logical connection — a frame connection, or one
 * caller of a message medium. It reads each message (a request, a
 * notification, a batch; as text, or as a record a medium read), checks
 * its envelope, and runs its calls on the engine, answering each through
 * the message's outlet. It keeps the ids of its calls in flight (for
 * cancels and duplicate ids) and the connection's limit on them, and stops
 * its calls when the connection goes. Whatever a peer sends, it keeps serving.
 */
import { JsonRpcCode } from '../codes.js';
import {
  callIdOf,
  CANCEL_METHOD,
  CREDIT_METHOD,
  END_METHOD,
  idFromHead,
  INPUT_METHOD,
  isId,
  PING_METHOD,
  type Id,
} from '../envelope.js';
import { givesStream, MAX_ITEM_ID_LENGTH, takesStream, type MethodDescriptor } from '../service.js';
import { beyondCredit, InputQueue } from './input-queue.js';
import { RpcError } from '../error.js';
import { HEALTH_METHOD, healthAnswer } from '../health.js';
import { CallTable } from '../call-table.js';
import { parsePeerJson } from '../json-depth.js';
import type { Logger } from '../logger.js';
import { metadataFromWire, type Metadata } from '../metadata.js';
import { DISCOVER_METHOD } from '../openrpc.js';
import { parseSimpleRequest } from '../simple-frames.js';
import type { Peer, RequestId } from '../transport.js';
import { BatchOutlet } from './batch-outlet.js';
import { cancelReason, goneReason, type Engine } from './engine.js';
import type { BatchParent, Outlet } from './outlet.js';
import type { Route } from './router.js';
import { publicError, ServerCall, type CallSink } from './server-call.js';
import { DEFAULT_WINDOWS } from '../windows.js';

/** What every session of a server shares. */
export interface SessionOptions {
  readonly engine: Engine;
  /** Milliseconds a call gets when its request carries no `timeout`. */
  readonly defaultTimeout: number;
  /** Calls (and notifications) in flight per connection before new ones are refused. */
  readonly maxInFlight: number;
  readonly logger: Logger;
  /** Inputs a caller may send ahead of the handler (the credit a call that takes a stream starts with); core's default: 16. */
  readonly inputWindow?: number;
}

/** A call of this session: where its answers go, and the deadline its caller stated. */
class SessionCall extends ServerCall {
  constructor(
    route: Route,
    meta: Metadata,
    deadline: number,
    peer: Peer,
    /** Undefined for a notification. */
    readonly id: Id | undefined,
    readonly outlet: Outlet,
    /** The deadline from the request's own `timeout` (`Infinity` without one), told to message media with each answer. */
    readonly expires: number,
  ) {
    super(route.method, meta, deadline, peer);
  }
  /** A call that takes a stream: its inputs. */
  inputs: InputQueue | undefined = undefined;
  /** Stream items the caller can still take (flow control it asked for with `credit`); undefined: no limit. */
  outCredit: number | undefined = undefined;
  /** The stream waiting for credit. */
  creditWaiter: (() => void) | undefined = undefined;
}

const noMeta: Metadata = Object.freeze({}) as Metadata;

/**
 * How a medium took a message (a message medium's {@link Delivery}: `readOnly`, and
 * the metadata and timeout it carried beside the message, as HTTP headers).
 */
export interface MediumTerms {
  /** Run only methods marked `idempotency: 'noSideEffects'` (it came by HTTP GET). */
  readonly readOnly?: boolean;
  /** Metadata for every request of the message, under each request's own (whose keys win). */
  readonly meta?: Metadata;
  /** Milliseconds for every request of the message: the earlier of it and a request's own `timeout` holds. */
  readonly timeout?: number;
}
const noTerms: MediumTerms = Object.freeze({});
/** A request reusing the id of a call in flight (answered -32600). */
const DUPLICATE_ID = invalidRequest('id is already used by a call in flight');

function invalidRequest(why: string): RpcError {
  return new RpcError('INVALID_ARGUMENT', `invalid request: ${why}`);
}

/** Why a request's `resumeAfter` cannot be taken, if it cannot: only a resumable stream resumes, after an item id. */
function resumeRefusal(method: MethodDescriptor, resumeAfter: unknown): RpcError | undefined {
  if (method.resumable !== true) {
    return new RpcError('INVALID_ARGUMENT', `${method.fullName} is not a resumable stream: it cannot resume after an item`);
  }
  if (typeof resumeAfter !== 'string' || resumeAfter.length === 0 || resumeAfter.length > MAX_ITEM_ID_LENGTH) {
    return invalidRequest(`resumeAfter must be an item id: a string of 1 to ${MAX_ITEM_ID_LENGTH} characters`);
  }
  return undefined;
}

export class Session implements CallSink {
  readonly peer: Peer;
  /** Set whenever a message arrives; idle sweeps clear it. */
  touched = true;
  #quietSweeps = 0;
  readonly #opts: SessionOptions;
  readonly #engine: Engine;
  /** Calls with an id not answered at once. */
  readonly #calls = new CallTable<SessionCall>();
  /** Notifications still running. */
  readonly #notes = new Set<SessionCall>();
  readonly #precancelled: ((id: Id) => boolean) | undefined;
  readonly #inputWindow: number;
  #drainWaiters: (() => void)[] = [];
  #closed = false;
  #warnedFull = false;

  /**
   * `precancelled`, for message media: true when the caller cancelled call
   * `id` before it arrived (such a call is answered CANCELLED, unrun).
   */
  constructor(peer: Peer, opts: SessionOptions, precancelled?: (id: Id) => boolean) {
    this.peer = peer;
    this.#opts = opts;
    this.#engine = opts.engine;
    this.#precancelled = precancelled;
    this.#inputWindow = opts.inputWindow ?? DEFAULT_WINDOWS.inputs;
  }

  /** Calls and notifications in flight. */
  get inFlight(): number {
    return this.#calls.size + this.#notes.size;
  }

  /**
   * For idle sweeps: true once this session has had no message and no call
   * in flight (nor anything `busy` says) for `sweeps` sweeps in a row.
   */
  quietFor(sweeps: number, busy = false): boolean {
    if (this.touched || busy || this.inFlight > 0) {
      this.touched = false;
      this.#quietSweeps = 0;
      return false;
    }
    return ++this.#quietSweeps >= sweeps;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * One message as text (a request, a notification or a batch) that waited `waitedMs` on its
   * way, taken on the medium's `terms` (read-only: it came by HTTP GET; metadata and a timeout
   * carried beside it, in HTTP headers).
   */
  text(frame: string, outlet: BatchParent, waitedMs = 0, terms: MediumTerms = noTerms): void {
    this.touched = true;
    const simple = parseSimpleRequest(frame);
    if (simple !== undefined) {
      return this.#request(true, simple.id, simple.method, simple.params, noMeta, simple.timeout, outlet, waitedMs, terms);
    }
    let msg: unknown;
    try {
      msg = parsePeerJson(frame);
    } catch (e) {
      const error = new RpcError('INVALID_ARGUMENT', `parse error: ${(e as Error).message}`);
      return outlet.error(null, error, undefined, Infinity, JsonRpcCode.PARSE_ERROR);
    }
    if (Array.isArray(msg)) this.#batch(msg, outlet, waitedMs, terms);
    else this.#message(msg, outlet, waitedMs, true, terms);
  }

  /** One request a message medium read from a record of its own (no `jsonrpc` member to check). */
  record(record: object, outlet: Outlet, waitedMs: number, terms: MediumTerms = noTerms): void {
    this.touched = true;
    this.#message(record, outlet, waitedMs, false, terms);
  }

  /**
   * A message larger than the frame limit, not read whole: answered
   * RESOURCE_EXHAUSTED with the id its first bytes show (or the medium knows).
   */
  oversized(head: string | { readonly id: RequestId }, bytes: number, max: number, outlet: Outlet): void {
    this.touched = true;
    const headId = typeof head === 'string' ? (idFromHead(head) ?? null) : head.id;
    // An id already in flight belongs to another call: answering with it would fail that one.
    const id = this.#calls.has(headId) ? null : headId;
    outlet.error(
      id,
      new RpcError('RESOURCE_EXHAUSTED', `request of ${bytes} bytes exceeds the frame limit of ${max} bytes`),
      undefined,
      Infinity,
    );
  }

  /**
   * Answer every call of a message with `error`, running none: notifications
   * and what is not a request get nothing.
   */
  static refuse(body: string | object, error: RpcError, outlet: BatchParent): void {
    let msg: unknown = body;
    if (typeof body === 'string') {
      try {
        msg = parsePeerJson(body);
      } catch {
        return outlet.none();
      }
    }
    const msgs = Array.isArray(msg) ? msg : [msg];
    const into = Array.isArray(msg) && msgs.length > 0 ? new BatchOutlet(outlet, msgs.length) : outlet;
    if (msgs.length === 0) return outlet.none();
    for (const m of msgs) {
      const id = callIdOf(m);
      if (id !== undefined) into.error(id, error, undefined, Infinity);
      else into.none();
    }
  }

  /** Stop call `id` if it runs here (`rpc.cancel`, or a medium's own cancel): it is answered CANCELLED. */
  cancel(id: unknown): void {
    if (!isId(id)) return;
    const call = this.#calls.get(id);
    if (call !== undefined) this.#engine.stop(call, cancelReason(call.deadline));
  }

  /** Call `id` may send `n` more stream items (`rpc.credit`, or a message medium's own): a stream waiting at none goes on. */
  credit(id: unknown, n: unknown): void {
    const call = isId(id) ? this.#calls.get(id) : undefined;
    if (call?.outCredit === undefined || typeof n !== 'number' || !(n >= 1)) return;
    call.outCredit += Math.floor(n);
    const wake = call.creditWaiter;
    call.creditWaiter = undefined;
    wake?.();
  }

  /** The connection can take answers again. */
  drain(): void {
    const waiters = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const w of waiters) w();
  }

  /** The connection is gone: stop its calls; nothing more is answered. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const reason = new RpcError('CANCELLED', 'the connection closed');
    for (const call of this.#calls.values()) this.#engine.stop(call, goneReason(call.deadline, reason));
    for (const call of this.#notes) this.#engine.stop(call, goneReason(call.deadline, reason));
    this.#calls.clear();
    this.#notes.clear();
    this.drain();
  }

  // ─── The engine tells how each call went (CallSink) ───

  item(call: ServerCall, wire: unknown, itemId?: string): void | Promise<void> {
    const c = call as SessionCall;
    if (this.#closed || c.id === undefined || c.ended) return;
    // The caller's credit (when it asked for flow control): with none left, this item waits for
    // more (and the handler with it). Waiting before sending, not after, lets a stream whose
    // last item spent the last credit end without a grant it does not need.
    if (c.outCredit !== undefined && c.outCredit <= 0) {
      return new Promise<void>((resolve) => (c.creditWaiter = resolve)).then(() => this.item(call, wire, itemId));
    }
    const room = c.outlet.item(c.id, wire, c.expires, itemId);
    if (c.outCredit !== undefined) c.outCredit--;
    if (room || this.#closed) return;
    return new Promise<void>((resolve) => this.#drainWaiters.push(resolve));
  }

  result(call: ServerCall, wire: unknown): void {
    const c = call as SessionCall;
    this.#take(c);
    if (c.id === undefined || this.#closed) return;
    try {
      c.outlet.result(c.id, wire, c.responseMetaIfSet, c.expires);
    } catch (e) {
      // A result JSON cannot carry (a BigInt, a cycle): nothing was sent.
      c.outlet.error(c.id, publicError(e, c.method, this.#opts.logger), c.responseMetaIfSet, c.expires);
    }
  }

  error(call: ServerCall, error: RpcError): void {
    const c = call as SessionCall;
    this.#take(c, error);
    if (this.#closed) return;
    if (c.id !== undefined) c.outlet.error(c.id, error, c.responseMetaIfSet, c.expires);
    else if (error.code !== 'CANCELLED') this.#opts.logger.error(`notification ${c.method.fullName} failed`, error);
  }

  #take(call: SessionCall, error?: RpcError): void {
    if (call.id === undefined) this.#notes.delete(call);
    else if (this.#calls.get(call.id) === call) this.#calls.delete(call.id);
    // A handler still reading inputs, or a stream waiting for credit, must not wait on a call that has ended.
    if (error !== undefined) call.inputs?.fail(error);
    else call.inputs?.end();
    const wake = call.creditWaiter;
    call.creditWaiter = undefined;
    wake?.();
  }

  // ─── Reading messages ───

  #batch(msgs: unknown[], outlet: BatchParent, waitedMs: number, terms: MediumTerms): void {
    if (msgs.length === 0)
      return outlet.error(null, invalidRequest('empty batch'), undefined, Infinity, JsonRpcCode.INVALID_REQUEST);
    const batch = new BatchOutlet(outlet, msgs.length);
    for (const msg of msgs) this.#message(msg, batch, waitedMs, true, terms);
  }

  /** A parsed message: check its envelope (`envelope`: it came as JSON-RPC text, so `jsonrpc` must be "2.0"). */
  #message(msg: unknown, outlet: Outlet, waitedMs: number, envelope: boolean, terms: MediumTerms): void {
    const invalid = (id: Id, why: string): void =>
      outlet.error(id, invalidRequest(why), undefined, Infinity, JsonRpcCode.INVALID_REQUEST);
    if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return invalid(null, 'a request must be an object');
    const m = msg as Record<string, unknown>;
    const hasId = 'id' in m;
    const id = isId(m.id) ? m.id : null;
    if (envelope && m.jsonrpc !== '2.0') return invalid(id, 'jsonrpc must be "2.0"');
    const method = m.method;
    if (typeof method !== 'string') {
      // A response: this server never calls its clients, so there is nothing to match it to.
      if ('result' in m || 'error' in m) return outlet.none();
      return invalid(id, 'method must be a string');
    }
    if (hasId && !isId(m.id)) return invalid(null, 'id must be a string, a number or null');
    const meta = metadataFromWire(m.meta);
    if (meta instanceof RpcError) return hasId ? outlet.error(id, meta, undefined, Infinity) : outlet.none();
    this.#request(hasId, id, method, m.params, meta ?? noMeta, m.timeout, outlet, waitedMs, terms, m.credit, m.resumeAfter);
  }

  /** A request whose envelope is valid: check its params, then run it (or the extension it names). */
  #request(
    hasId: boolean,
    id: Id,
    method: string,
    params: unknown,
    meta: Metadata,
    timeout: unknown,
    outlet: Outlet,
    waitedMs: number,
    terms: MediumTerms = noTerms,
    credit: unknown = undefined,
    resumeAfter: unknown = undefined,
  ): void {
    if (params !== undefined && (typeof params !== 'object' || params === null)) {
      return outlet.error(
        id,
        invalidRequest('params must be an object or an array'),
        undefined,
        Infinity,
        JsonRpcCode.INVALID_REQUEST,
      );
    }
    if (method === CANCEL_METHOD) {
      this.cancel((params as { id?: unknown } | undefined)?.id);
      return outlet.none();
    }
    if (method === INPUT_METHOD || method === END_METHOD || method === CREDIT_METHOD) {
      this.#streamControl(method, params as { id?: unknown; item?: unknown; n?: unknown } | undefined);
      return outlet.none();
    }
    if (method === DISCOVER_METHOD)
      return hasId ? outlet.result(id, this.#engine.router.discovery, undefined, Infinity) : outlet.none();
    if (method === PING_METHOD) return hasId ? outlet.result(id, 'pong', undefined, Infinity) : outlet.none();
    if (method === HEALTH_METHOD) {
      if (!hasId) return outlet.none();
      const health = healthAnswer(this.#engine.router.services, this.#engine.closing, params);
      return health instanceof RpcError
        ? outlet.error(id, health, undefined, Infinity)
        : outlet.result(id, health, undefined, Infinity);
    }
    const route = this.#engine.router.resolve(method);
    if (route instanceof RpcError) {
      if (hasId) return outlet.error(id, route, undefined, Infinity);
      this.#opts.logger.warn(`notification for unknown method ${method} dropped`);
      return outlet.none();
    }
    if (terms.readOnly === true && route.method.idempotency !== 'noSideEffects') {
      if (!hasId) return outlet.none();
      const why = `${route.method.fullName} is not marked idempotency: 'noSideEffects', so it is not run for a read (HTTP GET): call it by POST`;
      return outlet.error(id, new RpcError('FAILED_PRECONDITION', why), undefined, Infinity);
    }
    if (terms.meta !== undefined) meta = { ...terms.meta, ...meta };
    // What is left of the caller's `timeout` (or the medium's, when earlier) after the time the message waited on its way.
    const own = typeof timeout === 'number' && timeout >= 0 ? timeout : undefined;
    const limit = terms.timeout === undefined ? own : Math.min(own ?? Infinity, terms.timeout);
    const stated = limit === undefined ? undefined : limit - waitedMs;
    const now = Date.now();
    const expires = stated === undefined ? Infinity : now + stated;
    const left = stated ?? this.#opts.defaultTimeout;
    if (!hasId && takesStream(route.method.kind)) {
      this.#opts.logger.warn(`${route.method.fullName} takes a stream of inputs: a notification of it was dropped`);
      return outlet.none();
    }
    if (!hasId) return this.#notification(route, params, meta, left, now, outlet);
    const refusal = this.#refusal(id, left);
    // A copy of a message whose call still runs (an at-least-once medium delivered it again): that call answers.
    if (refusal === DUPLICATE_ID && outlet.message !== undefined && this.#calls.get(id)?.outlet.message === outlet.message)
      return outlet.none();
    if (refusal !== undefined) {
      return outlet.error(id, refusal, undefined, expires, refusal === DUPLICATE_ID ? JsonRpcCode.INVALID_REQUEST : undefined);
    }
    if (resumeAfter !== undefined) {
      const wrong = resumeRefusal(route.method, resumeAfter);
      if (wrong !== undefined) return outlet.error(id, wrong, undefined, expires);
    }
    const call = new SessionCall(route, meta, left === Infinity ? Infinity : now + left, this.peer, id, outlet, expires);
    if (resumeAfter !== undefined) call.resumeAfter = resumeAfter as string;
    const kind = route.method.kind;
    if (givesStream(kind) && typeof credit === 'number' && credit >= 1) call.outCredit = Math.floor(credit);
    if (takesStream(kind)) {
      const grant = outlet.credit;
      if (grant === undefined) {
        const why = `${route.method.fullName} takes a stream of inputs, which this transport cannot carry to the server running the call (use a socket, pipe, shared memory, WebSocket or gRPC)`;
        return outlet.error(id, new RpcError('UNIMPLEMENTED', why), undefined, expires);
      }
      call.inputs = new InputQueue(this.#inputWindow, (n) => grant.call(outlet, id, n));
      params = call.inputs;
    }
    this.#engine.run(route, call, params, this);
    if (call.ended) return;
    this.#calls.set(id, call);
    if (call.inputs !== undefined) outlet.credit?.(id, this.#inputWindow);
  }

  /** `rpc.input`, `rpc.end` and `rpc.credit`: inputs of a call that takes a stream, their end, and credit for a stream's items. */
  #streamControl(method: string, params: { id?: unknown; item?: unknown; n?: unknown } | undefined): void {
    const id = params?.id;
    if (!isId(id)) return;
    const call = this.#calls.get(id);
    if (call === undefined) return; // ended already (or never was): nothing to do
    if (method === CREDIT_METHOD) return this.credit(id, params?.n);
    const inputs = call.inputs;
    if (inputs === undefined) return;
    if (method === END_METHOD) return inputs.end();
    // Validated as the handler takes it (core's engine does, for every transport).
    if (!inputs.push(params?.item)) this.#engine.stop(call, beyondCredit());
  }

  /** Why a call with this id, and `left` milliseconds to go, must not start; undefined when it may. */
  #refusal(id: Id, left: number): RpcError | undefined {
    if (this.#calls.has(id)) return DUPLICATE_ID;
    if (this.#engine.closing) return new RpcError('UNAVAILABLE', 'the server is shutting down');
    if (this.inFlight >= this.#opts.maxInFlight)
      return new RpcError('RESOURCE_EXHAUSTED', `more than ${this.#opts.maxInFlight} calls in flight`);
    if (this.#precancelled?.(id) === true) return new RpcError('CANCELLED', 'cancelled by the caller before it ran');
    if (left <= 0) return new RpcError('DEADLINE_EXCEEDED', 'the deadline passed before the call started');
    return undefined;
  }

  /**
   * A notification: nothing is answered, but it is a call like any other —
   * counted against the limit, given a deadline, stopped when the connection goes.
   */
  #notification(route: Route, params: unknown, meta: Metadata, left: number, now: number, outlet: Outlet): void {
    outlet.none();
    if (this.#engine.closing || left <= 0) return;
    if (this.inFlight >= this.#opts.maxInFlight) {
      if (!this.#warnedFull)
        this.#opts.logger.warn(
          `${this.peer.address}: notifications dropped: more than ${this.#opts.maxInFlight} calls in flight`,
        );
      this.#warnedFull = true;
      return;
    }
    const call = new SessionCall(route, meta, left === Infinity ? Infinity : now + left, this.peer, undefined, outlet, Infinity);
    this.#engine.run(route, call, params, this);
    if (!call.ended) this.#notes.add(call);
  }
}
