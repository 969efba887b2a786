/**
 * A worker's caller connections, one per client with requests here: made on
 * a client's first request, told of its cancellations and goodbye, dropped
 * when idle, and waited for when the worker closes.
 */
import type { Connection, FrameHandler } from '@interoffice/core';
import { CallerConnection, type WorkerContext } from './caller-connection.js';
import type { ControlMessage } from './control.js';

export class Callers {
  readonly #map = new Map<string, CallerConnection>();
  readonly #context: WorkerContext;
  readonly #accept: (c: Connection) => FrameHandler;
  #empty: (() => void) | undefined;

  constructor(context: WorkerContext, accept: (c: Connection) => FrameHandler) {
    this.#context = context;
    this.#accept = accept;
  }

  /** The connection of `client`, made (and handed to the server) on its first request. */
  get(client: string): CallerConnection {
    let c = this.#map.get(client);
    if (c === undefined) {
      c = new CallerConnection(client, this.#context);
      this.#map.set(client, c);
      c.handler = this.#accept(c);
    }
    return c;
  }

  /** A control message: cancel a call running here, or forget a client that left. */
  control(message: ControlMessage): void {
    const caller = this.#map.get(message.client);
    if (caller === undefined) return;
    if ('closed' in message) this.#drop(caller);
    else caller.cancel(JSON.stringify(message.cancel));
  }

  /** Drop the connections of clients with nothing pending here for `idleMs`. */
  sweep(idleMs: number): void {
    const idle = Date.now() - idleMs;
    for (const c of this.#map.values()) if (c.pending === 0 && c.lastActive <= idle) this.#drop(c);
  }

  /** The server closed `caller`. */
  closed(caller: CallerConnection): void {
    this.#forget(caller);
  }

  /** Resolves once no connection is left (the server closes every one when it closes). */
  empty(): Promise<void> {
    if (this.#map.size === 0) return Promise.resolve();
    return new Promise((resolve) => (this.#empty = resolve));
  }

  #drop(caller: CallerConnection): void {
    this.#forget(caller);
    caller.drop();
  }

  #forget(caller: CallerConnection): void {
    if (this.#map.get(caller.client) === caller) this.#map.delete(caller.client);
    if (this.#map.size === 0) this.#empty?.();
  }
}
