/**
 * How tRPC procedures look on Interoffice's wire: their method names, the
 * items of a subscription, and where a tRPC error keeps its shape. The server
 * (`implementRouter`) and the link (`interofficeLink`) both follow this file;
 * docs/guides/trpc.md#on-the-wire describes it for peers in other languages.
 */
import type { Issue } from '@interoffice/core';

/** The service-name prefix of a router's procedures unless told otherwise. */
export const DEFAULT_PREFIX = 'trpc';

/**
 * The wire method of the procedure at `path` (`post.byId`) under `prefix`:
 * `trpc.post.byId`. The procedure's parent path becomes part of the service
 * name (`trpc.post`), its key the method name (`byId`).
 */
export function methodOf(prefix: string, path: string): string {
  return `${prefix}.${path}`;
}

/**
 * One item of a subscription's server stream: tRPC's own result messages, as
 * its WebSocket protocol sends them. `started` comes first, once the
 * procedure has accepted the call; then one `data` item per event, with the
 * event's id when the procedure yielded `tracked(id, data)`.
 */
export type SubscriptionItem =
  | { readonly type: 'started' }
  | { readonly type: 'data'; readonly data: unknown; readonly id?: string };

/** The first item of every subscription. */
export const STARTED: SubscriptionItem = Object.freeze({ type: 'started' });

/** Read a subscription item from the wire; `undefined` when it is not one. */
export function readItem(wire: unknown): SubscriptionItem | undefined {
  if (typeof wire !== 'object' || wire === null) return undefined;
  const item = wire as { type?: unknown; data?: unknown; id?: unknown };
  if (item.type === 'started') return STARTED;
  if (item.type !== 'data') return undefined;
  return typeof item.id === 'string' ? { type: 'data', data: item.data, id: item.id } : { type: 'data', data: item.data };
}

/**
 * The `details` of an Interoffice error that came from a tRPC procedure:
 * `trpc` is the error's tRPC shape (`{ message, code, data }`, as the
 * router's error formatter made it and its transformer serialized it), so a
 * tRPC client gets exactly what tRPC over HTTP would give it; `issues` is
 * there for input errors, in the form every Interoffice error uses.
 */
export interface ErrorDetails {
  readonly trpc: unknown;
  readonly issues?: readonly Issue[];
}

/** The tRPC shape in an error's details, if it has one. */
export function shapeOf(details: unknown): unknown {
  if (typeof details !== 'object' || details === null || !('trpc' in details)) return undefined;
  return (details as ErrorDetails).trpc;
}
