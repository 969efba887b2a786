import type { CallContext } from '../call.js';
import type { MethodSpec, ServiceDescriptor, Tracked } from '../service.js';

/** The handler for one method: input and context in, output (or items) out. */
export type Handler<D> =
  D extends MethodSpec<'unary', infer I, infer O>
    ? (input: I, ctx: CallContext) => O | Promise<O>
    : D extends MethodSpec<'serverStream', infer I, infer O>
      ? D extends { readonly resumable: true }
        ? (
            input: I,
            ctx: CallContext,
          ) => AsyncIterable<Tracked<O>> | Iterable<Tracked<O>> | Promise<AsyncIterable<Tracked<O>> | Iterable<Tracked<O>>>
        : (input: I, ctx: CallContext) => AsyncIterable<O> | Iterable<O> | Promise<AsyncIterable<O> | Iterable<O>>
      : D extends MethodSpec<'clientStream', infer I, infer O>
        ? (inputs: AsyncIterable<I>, ctx: CallContext) => O | Promise<O>
        : D extends MethodSpec<'bidiStream', infer I, infer O>
          ? (
              inputs: AsyncIterable<I>,
              ctx: CallContext,
            ) => AsyncIterable<O> | Iterable<O> | Promise<AsyncIterable<O> | Iterable<O>>
          : D extends MethodSpec<'notification', infer I, unknown>
            ? (input: I, ctx: CallContext) => void | Promise<void>
            : never;

/** One handler per method of service `S`. */
export type Handlers<S extends ServiceDescriptor> = {
  readonly [K in keyof S['methods']]: Handler<S['methods'][K]>;
};

/** A handler with its types erased, as the server runs it. */
export type AnyHandler = (input: unknown, ctx: CallContext) => unknown;

/** A service together with its handlers: what `serve` takes. */
export interface ServiceImplementation {
  readonly service: ServiceDescriptor;
  readonly handlers: Readonly<Record<string, AnyHandler>>;
}

/**
 * Pair a service with its handlers. Every method needs one; a missing or
 * extra handler is a TypeError naming it.
 *
 * @example
 * const impl = implement(Calculator, { add: ({ a, b }) => a + b, ... });
 */
export function implement<S extends ServiceDescriptor>(service: S, handlers: Handlers<S>): ServiceImplementation {
  const given = handlers as unknown as Record<string, unknown>;
  for (const name of Object.keys(service.methods)) {
    if (typeof given[name] !== 'function') throw new TypeError(`${service.name}.${name} has no handler`);
  }
  for (const name of Object.keys(given)) {
    if (!(name in service.methods)) throw new TypeError(`${service.name} has no method ${name} (handler given)`);
  }
  return Object.freeze({ service, handlers: Object.freeze({ ...(given as Record<string, AnyHandler>) }) });
}
