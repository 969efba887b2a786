/**
 * Serve a tRPC router over any Interoffice transport: its procedures become
 * Interoffice services, which core's `serve()` runs like any other.
 */
import {
  defineService,
  stderrLogger,
  type CallContext,
  type Logger,
  type MethodSpec,
  type ServiceImplementation,
} from '@interoffice/core';
import {
  initTRPC,
  type AnyTRPCProcedure,
  type AnyTRPCRouter,
  type inferRouterContext,
  type TRPCProcedureType,
} from '@trpc/server';
import { inputSchema, itemSchema, resultSchema } from './procedure-schemas.js';
import { checkOneCopy } from './one-copy.js';
import { procedureHandler, type Runner } from './procedure-handler.js';
import type { TRPCErrorHandlerOptions } from './server-errors.js';
import { DEFAULT_PREFIX } from './wire.js';

/** What `createContext` gets for each call. */
export interface CreateContextOptions {
  /** The Interoffice call: its metadata (`meta`), caller (`peer`), `signal`, `deadline` and `responseMeta`. */
  readonly call: CallContext;
  /** The procedure's path, `post.byId`. */
  readonly path: string;
  readonly type: TRPCProcedureType;
}

type Context<TRouter extends AnyTRPCRouter> = inferRouterContext<TRouter>;

/** Options of {@link implementRouter}. */
export interface ImplementRouterOptions<TRouter extends AnyTRPCRouter> {
  /**
   * The router's context for each call, made from the call's metadata and
   * peer. Required when the router's context has required fields; `{}` otherwise.
   */
  createContext?: (opts: CreateContextOptions) => Context<TRouter> | Promise<Context<TRouter>>;
  /** Service-name prefix: procedure `post.byId` is the method `trpc.post.byId` (`trpc`). */
  prefix?: string;
  /** Called with every error a procedure throws, as tRPC adapters' `onError` is. */
  onError?: (opts: TRPCErrorHandlerOptions) => void;
  /** Where crashes are logged (their messages never reach the caller); stderr. */
  logger?: Logger;
}

/** The options, with `createContext` required when the router's context needs fields. */
export type ImplementRouterArgs<TRouter extends AnyTRPCRouter> =
  object extends Context<TRouter>
    ? [options?: ImplementRouterOptions<TRouter>]
    : [options: ImplementRouterOptions<TRouter> & Required<Pick<ImplementRouterOptions<TRouter>, 'createContext'>>];

/** tRPC's default transformer: the one a router made without `transformer` has. */
let identity: unknown;
function isPlain(router: AnyTRPCRouter): boolean {
  identity ??= initTRPC.create()._config.transformer;
  return router._def._config.transformer === identity;
}

/**
 * The services that serve `router`'s procedures, for core's `serve()`:
 * queries and mutations become unary methods, subscriptions server streams.
 * Procedure `post.byId` is the method `byId` of the service `trpc.post`
 * (its wire name, `trpc.post.byId`, is what {@link interofficeLink} sends).
 *
 * tRPC runs each call as its HTTP adapter would — input parsers,
 * middleware, the error formatter, the data transformer — with the context
 * `createContext` makes from the Interoffice call; core adds deadlines,
 * cancellation (the procedure's `signal`) and metadata.
 *
 * Procedure keys must be identifiers (`byId`, not `by-id`), as every
 * Interoffice method name is; other keys are a TypeError naming them.
 *
 * @example
 * await serve(implementRouter(appRouter, { createContext: ({ call }) => ({ user: call.meta['x-user'] }) }), {
 *   listen: ['unix:///tmp/app.sock'],
 *   transports: [socketTransport()],
 * });
 */
export function implementRouter<TRouter extends AnyTRPCRouter>(
  router: TRouter,
  ...[options = {}]: ImplementRouterArgs<TRouter>
): ServiceImplementation[] {
  checkOneCopy(['@trpc/server']);
  const lazy = Object.keys(router._def.lazy);
  if (lazy.length > 0) {
    throw new TypeError(`implementRouter: load the lazy routers first (${lazy.join(', ')}): await loadLazyRouters(router)`);
  }
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const transformer = router._def._config.transformer;
  const plain = isPlain(router);
  const runner: Runner = {
    router,
    createContext: (options.createContext ?? (() => ({}))) as Runner['createContext'],
    logger: options.logger ?? stderrLogger,
    onError: options.onError,
  };
  // Procedures grouped by their parent path: one service each.
  const groups = new Map<
    string,
    { specs: Record<string, MethodSpec>; handlers: Record<string, ServiceImplementation['handlers'][string]> }
  >();
  for (const [path, procedure] of Object.entries(router._def.procedures as Record<string, AnyTRPCProcedure>)) {
    const dot = path.lastIndexOf('.');
    const service = dot === -1 ? prefix : `${prefix}.${path.slice(0, dot)}`;
    const key = path.slice(dot + 1);
    const group = groups.get(service) ?? { specs: {}, handlers: {} };
    groups.set(service, group);
    const type = procedure._def.type;
    const description = (procedure._def.meta as { description?: unknown } | undefined)?.description;
    group.specs[key] = {
      kind: type === 'subscription' ? 'serverStream' : 'unary',
      input: inputSchema(procedure, transformer, plain),
      output: type === 'subscription' ? itemSchema(procedure, transformer) : resultSchema(procedure, transformer),
      description: typeof description === 'string' ? description : undefined,
    };
    group.handlers[key] = procedureHandler(runner, path, type);
  }
  return [...groups].map(([name, { specs, handlers }]) =>
    Object.freeze({ service: defineService(name, specs), handlers: Object.freeze(handlers) }),
  );
}

/**
 * Load every `lazy()` sub-router of `router` (and theirs), so that
 * {@link implementRouter} can list all its procedures.
 */
export async function loadLazyRouters(router: AnyTRPCRouter): Promise<void> {
  for (let loaders = Object.values(router._def.lazy); loaders.length > 0; loaders = Object.values(router._def.lazy)) {
    await Promise.all(loaders.map((l) => l.load()));
  }
}
