/**
 * Control messages — `{"client": <id>, "cancel": <call id>}` and
 * `{"client": <id>, "closed": true}` on the service's control channel — and
 * a worker's memory of recent ones. Every worker hears every message, so a
 * cancel finds its call wherever it runs; one heard before a worker takes
 * the request from the queue is remembered, and applied when it does.
 */
import type { Id } from '@interoffice/core';
import { idKey } from './frames.js';
import { CLIENT_ID } from './keys.js';

export type ControlMessage = { client: string; cancel: Id } | { client: string; closed: true };

/** Parse a control message; undefined for anything else. */
export function parseControl(text: string): ControlMessage | undefined {
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof m !== 'object' || m === null) return undefined;
  const r = m as { client?: unknown; cancel?: unknown; closed?: unknown };
  if (typeof r.client !== 'string' || !CLIENT_ID.test(r.client)) return undefined;
  if (r.closed === true) return { client: r.client, closed: true };
  const c = r.cancel;
  if (c === null || typeof c === 'string' || (typeof c === 'number' && Number.isFinite(c))) return { client: r.client, cancel: c };
  return undefined;
}

interface Recent {
  closed: boolean;
  readonly cancelled: Set<string>;
  at: number;
}

/** How long a control message is remembered, and for how many clients at most. */
const REMEMBER_MS = 60_000;
const MAX_CLIENTS = 10_000;

export class RecentControl {
  readonly #clients = new Map<string, Recent>();

  /** Remember `message`. */
  note(message: ControlMessage): void {
    let r = this.#clients.get(message.client);
    if (r === undefined) {
      if (this.#clients.size >= MAX_CLIENTS) this.#clients.delete(this.#clients.keys().next().value as string);
      r = { closed: false, cancelled: new Set(), at: 0 };
      this.#clients.set(message.client, r);
    }
    r.at = Date.now();
    if ('closed' in message) r.closed = true;
    else r.cancelled.add(idKey(message.cancel));
  }

  /** The client said goodbye recently. */
  closed(client: string): boolean {
    return this.#clients.get(client)?.closed === true;
  }

  /** The client cancelled call `key` (an id as a key) recently. */
  cancelled(client: string, key: string): boolean {
    return this.#clients.get(client)?.cancelled.has(key) === true;
  }

  /** Forget what is older than a minute. */
  prune(): void {
    const old = Date.now() - REMEMBER_MS;
    for (const [client, r] of this.#clients) if (r.at < old) this.#clients.delete(client);
  }
}
