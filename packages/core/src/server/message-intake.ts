/**
 * Core's side of a message medium's server: the {@link MessageServer} a
 * medium hands what it reads. Each caller gets a logical session (its
 * call ids are its own), made on its first message and dropped once idle;
 * cancels go to the caller's session, or are remembered when they overtake
 * their request; a caller that left has its calls stopped and its later
 * messages dropped; and every delivery is ended or abandoned exactly once.
 */
import { isId } from '../envelope.js';
import { RpcError } from '../error.js';
import type { Delivery, MessageServer, RequestId } from '../transport.js';
import { DeliveryOutlet } from './delivery-outlet.js';
import { RecentCallers } from './recent-callers.js';
import { metadataFromWire } from '../metadata.js';
import { type MediumTerms, Session, type SessionOptions } from './session.js';

/** How the medium took the message, checked: metadata from headers is a peer's, and may be too much. */
function terms(d: Delivery): MediumTerms | RpcError {
  const meta = d.meta === undefined ? undefined : metadataFromWire(d.meta);
  if (meta instanceof RpcError) return meta; // too much of it: every call of the message is refused
  const timeout = typeof d.timeout === 'number' && d.timeout >= 0 ? d.timeout : undefined;
  if (d.readOnly !== true && meta === undefined && timeout === undefined) return {};
  return {
    readOnly: d.readOnly === true,
    ...(meta !== undefined ? { meta } : {}),
    ...(timeout !== undefined ? { timeout } : {}),
  };
}

/** A caller with no call and no message here for this long is forgotten. */
export const CALLER_IDLE_MS = 60_000;
const SWEEPS_PER_IDLE = 4;

interface Caller {
  readonly session: Session;
  /** Its deliveries not yet ended. */
  readonly open: Set<DeliveryOutlet>;
}

export class MessageIntake implements MessageServer {
  readonly #opts: SessionOptions;
  readonly #maxFrameBytes: number;
  readonly #callers = new Map<string, Caller>();
  readonly #recent = new RecentCallers();
  readonly #sweeper: ReturnType<typeof setInterval>;
  #closed = false;

  constructor(opts: SessionOptions, maxFrameBytes: number) {
    this.#opts = opts;
    this.#maxFrameBytes = maxFrameBytes;
    this.#sweeper = setInterval(() => this.#sweep(), CALLER_IDLE_MS / SWEEPS_PER_IDLE).unref();
  }

  deliver(delivery: Delivery): void {
    // Closing: another server may take it (the medium decides).
    if (this.#closed || this.#opts.engine.closing) return delivery.abandon();
    if (this.#recent.hasLeft(delivery.caller)) return delivery.end(undefined);
    const taken = terms(delivery);
    if (taken instanceof RpcError) return this.refuse(delivery, taken);
    const caller = this.#caller(delivery);
    const outlet = new DeliveryOutlet(delivery, this.#maxFrameBytes, caller.open, this.#opts.logger);
    const body = delivery.body;
    try {
      if (delivery.tooLarge !== undefined) {
        const head = typeof body === 'string' ? body : { id: isId(body.id) ? body.id : null };
        caller.session.oversized(head, delivery.tooLarge, this.#maxFrameBytes, outlet);
      } else if (typeof body === 'string') {
        caller.session.text(body, outlet, delivery.waitedMs, taken);
      } else {
        caller.session.record(body, outlet, delivery.waitedMs, taken);
      }
    } catch (e) {
      // Not expected: sessions answer whatever they are given. The message must still end.
      this.#opts.logger.error(`a message from ${delivery.caller} could not be served`, e);
      outlet.drop();
    }
  }

  refuse(delivery: Delivery, error: Error): void {
    const outlet = new DeliveryOutlet(delivery, this.#maxFrameBytes, new Set(), this.#opts.logger);
    Session.refuse(delivery.body, RpcError.from(error, 'UNAVAILABLE'), outlet);
  }

  cancel(caller: string, id: RequestId): void {
    this.#recent.cancelled(caller, id);
    this.#callers.get(caller)?.session.cancel(id);
  }

  credit(caller: string, id: RequestId, n: number): void {
    this.#callers.get(caller)?.session.credit(id, n);
  }

  left(caller: string): void {
    this.#recent.left(caller);
    const c = this.#callers.get(caller);
    if (c === undefined) return;
    this.#callers.delete(caller);
    for (const outlet of [...c.open]) outlet.drop();
    c.session.close();
  }

  drain(caller?: string): void {
    if (caller !== undefined) return this.#callers.get(caller)?.session.drain();
    for (const c of this.#callers.values()) c.session.drain();
  }

  /** The server's grace period is over: stop every call, abandon every message not yet answered. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#sweeper);
    for (const c of this.#callers.values()) {
      for (const outlet of [...c.open]) outlet.abandon();
      c.session.close();
    }
    this.#callers.clear();
  }

  #caller(delivery: Delivery): Caller {
    let c = this.#callers.get(delivery.caller);
    if (c === undefined) {
      const name = delivery.caller;
      const session = new Session(delivery.peer, this.#opts, (id) => this.#recent.wasCancelled(name, id));
      c = { session, open: new Set() };
      this.#callers.set(name, c);
    }
    return c;
  }

  #sweep(): void {
    for (const [name, c] of this.#callers) {
      if (!c.session.quietFor(SWEEPS_PER_IDLE, c.open.size > 0)) continue;
      this.#callers.delete(name);
      c.session.close();
    }
    this.#recent.prune();
  }
}
