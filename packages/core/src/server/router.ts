import { RpcError } from '../error.js';
import { openRpcDocument } from '../openrpc.js';
import type { MethodDescriptor, ServiceDescriptor } from '../service.js';
import type { AnyHandler, ServiceImplementation } from './implement.js';

/** A method the server can run. */
export interface Route {
  readonly method: MethodDescriptor;
  readonly handler: AnyHandler;
  readonly service: ServiceDescriptor;
}

/**
 * Finds the route for a wire method name: the qualified name always, and
 * any shorter name made of its last dot-separated parts (`add`,
 * `Calculator.add` for `calc.v1.Calculator.add`; a tRPC path `todo.add` for
 * `trpc.todo.add`) when exactly one method ends so.
 */
export class Router {
  readonly #full = new Map<string, Route>();
  /** Shorter names, by their last parts; `null` marks one two methods share. */
  readonly #short = new Map<string, Route | null>();

  constructor(implementations: readonly ServiceImplementation[]) {
    for (const { service, handlers } of implementations) {
      for (const method of Object.values(service.methods) as MethodDescriptor[]) {
        if (this.#full.has(method.fullName)) throw new TypeError(`${method.fullName} is served twice`);
        const handler = handlers[method.name];
        if (handler === undefined) throw new TypeError(`${method.fullName} has no handler`);
        const route: Route = { method, handler, service };
        this.#full.set(method.fullName, route);
        for (const name of tails(method.fullName)) this.#short.set(name, this.#short.has(name) ? null : route);
      }
    }
  }

  #discovery: unknown;

  /** Every route, for listings. */
  get routes(): IterableIterator<Route> {
    return this.#full.values();
  }

  /** The services served. */
  get services(): ServiceDescriptor[] {
    return [...new Set([...this.#full.values()].map((r) => r.service))];
  }

  /** The OpenRPC document of every service (made once). */
  get discovery(): unknown {
    return (this.#discovery ??= openRpcDocument(this.services));
  }

  // The last name resolved: calls tend to repeat a method, and comparing a
  // fresh string is cheaper than hashing it for a Map lookup.
  #lastName: string | undefined;
  #lastRoute: Route | undefined;

  /** The route for `name`, or UNIMPLEMENTED saying why not. */
  resolve(name: string): Route | RpcError {
    if (name === this.#lastName) return this.#lastRoute as Route;
    const route = this.#full.get(name) ?? this.#short.get(name);
    if (route !== undefined && route !== null) {
      // The descriptor's own string: `name` may be a slice of a large frame, which it would keep alive.
      if (name === route.method.fullName || name === route.method.name) {
        this.#lastName = name === route.method.fullName ? route.method.fullName : route.method.name;
        this.#lastRoute = route;
      }
      return route;
    }
    if (route === null) {
      const candidates = [...this.#full.keys()].filter((full) => full.endsWith(`.${name}`));
      return new RpcError('UNIMPLEMENTED', `method ${name} is ambiguous: use one of ${candidates.join(', ')}`);
    }
    return new RpcError('UNIMPLEMENTED', `method not found: ${name}`);
  }
}

/** The shorter names of a qualified name: `b.c` and `c` for `a.b.c`. */
function tails(fullName: string): string[] {
  const out: string[] = [];
  for (let at = fullName.indexOf('.'); at !== -1; at = fullName.indexOf('.', at + 1)) out.push(fullName.slice(at + 1));
  return out;
}
