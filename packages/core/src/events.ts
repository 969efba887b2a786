/**
 * Events: fire-and-forget messages on named channels, for transports that
 * carry them (Redis pub/sub, the in-memory transport). Payloads are text, so
 * plain publishers and subscribers of the same channels (any Redis client)
 * take part as they are; typed events are JSON checked by a schema.
 */
import { parseAddress, transportFor } from './address.js';
import { RpcError } from './error.js';
import { fromZod, type Schema } from './schema.js';
import type { SchemaLike, ValueOf } from './service.js';
import type { Transport } from './call-transport.js';
import { z } from 'zod';

/** A transport's publish/subscribe side. */
export interface EventBus {
  /** Publish one payload on `channel`; resolves once the transport has taken it. */
  publish(channel: string, payload: string): Promise<void>;
  /** Call `listener` with every payload published on `channel` from now on; resolves with a function that stops it. */
  subscribe(channel: string, listener: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** A transport that carries events implements this besides its transport seam. */
export interface EventCarrier {
  /** Open the event bus at `url` (the same URLs as the transport's endpoints). */
  events(url: URL): Promise<EventBus>;
}

/** Open the event bus at `address`, with the transport that serves its scheme. */
export async function openEvents(address: string | URL, options: { transports: readonly Transport[] }): Promise<EventBus> {
  const url = parseAddress(address);
  const transport = transportFor(url, options.transports) as Transport & Partial<EventCarrier>;
  if (typeof transport.events !== 'function') {
    throw new RpcError('UNIMPLEMENTED', `${url.protocol} transports do not carry events`);
  }
  return transport.events(url);
}

/** A typed event: a channel name and the schema of its JSON payload. */
export interface EventDescriptor<T> {
  readonly channel: string;
  readonly schema: Schema<T>;
}

/** Define a typed event on `channel`. */
export function defineEvent<S extends SchemaLike>(channel: string, schema: S): EventDescriptor<ValueOf<S>> {
  return { channel, schema: (schema instanceof z.ZodType ? fromZod(schema) : schema) as Schema<ValueOf<S>> };
}

/** Publish a typed event: checked, then sent as JSON. */
export async function publishEvent<T>(bus: EventBus, event: EventDescriptor<T>, value: T): Promise<void> {
  const r = event.schema.encode(value);
  if (!r.success) throw new RpcError('INVALID_ARGUMENT', `invalid ${event.channel} event`, { details: { issues: r.issues } });
  await bus.publish(event.channel, JSON.stringify(r.data));
}

/**
 * Subscribe to a typed event. A payload that is not JSON, or does not fit
 * the schema, goes to `onInvalid` (default: dropped) with the raw text.
 */
export function subscribeEvent<T>(
  bus: EventBus,
  event: EventDescriptor<T>,
  listener: (value: T) => void,
  onInvalid: (payload: string, error: RpcError) => void = () => {},
): Promise<() => Promise<void>> {
  return bus.subscribe(event.channel, (payload) => {
    let json: unknown;
    try {
      json = JSON.parse(payload);
    } catch {
      return onInvalid(payload, new RpcError('INVALID_ARGUMENT', 'event payload is not JSON'));
    }
    const r = event.schema.decode(json);
    if (r.success) listener(r.data);
    else
      onInvalid(payload, new RpcError('INVALID_ARGUMENT', `invalid ${event.channel} event`, { details: { issues: r.issues } }));
  });
}
