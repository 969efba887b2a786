/**
 * What a message medium's server remembers of callers for a while: the
 * calls they cancelled and whether they left. On a shared medium a cancel
 * or a goodbye can overtake the request it is about (they travel apart: a
 * pub/sub channel and a queue, say); remembered, it is applied when the
 * request arrives — the call is answered CANCELLED unrun, or dropped.
 */
import { decimalText } from '../decimal.js';
import type { RequestId } from '../transport.js';

interface Recent {
  left: boolean;
  readonly cancelled: Set<string>;
  at: number;
}

/** How long a cancel or goodbye is remembered, and for how many callers at most. */
const REMEMBER_MS = 60_000;
const MAX_CALLERS = 10_000;
/** Cancels remembered per caller at most (the oldest are forgotten first). */
const MAX_CANCELS = 1024;

/** An id as a key: its JSON text, so that 7 and "7" differ. */
function idKey(id: RequestId): string {
  return typeof id === 'number' ? decimalText(id) : JSON.stringify(id);
}

export class RecentCallers {
  readonly #callers = new Map<string, Recent>();

  #note(caller: string): Recent {
    let r = this.#callers.get(caller);
    if (r === undefined) {
      if (this.#callers.size >= MAX_CALLERS) this.#callers.delete(this.#callers.keys().next().value as string);
      r = { left: false, cancelled: new Set(), at: 0 };
      this.#callers.set(caller, r);
    }
    r.at = Date.now();
    return r;
  }

  cancelled(caller: string, id: RequestId): void {
    const set = this.#note(caller).cancelled;
    if (set.size >= MAX_CANCELS) set.delete(set.values().next().value as string);
    set.add(idKey(id));
  }

  left(caller: string): void {
    this.#note(caller).left = true;
  }

  /** `caller` left recently. */
  hasLeft(caller: string): boolean {
    return this.#callers.get(caller)?.left === true;
  }

  /** `caller` cancelled call `id` recently. */
  wasCancelled(caller: string, id: RequestId): boolean {
    const r = this.#callers.get(caller);
    return r !== undefined && r.cancelled.size > 0 && r.cancelled.has(idKey(id));
  }

  /** Forget what is older than a minute. */
  prune(): void {
    const old = Date.now() - REMEMBER_MS;
    for (const [caller, r] of this.#callers) if (r.at < old) this.#callers.delete(caller);
  }
}
