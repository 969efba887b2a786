/**
 * The other direction: an Interoffice service (zod- or proto-defined) as a
 * tRPC router, so tRPC's HTTP adapter can put it in front of browsers. Each
 * procedure forwards its call over an Interoffice channel to the service.
 */
import { createClient, RpcError, type CallOptions, type Channel, type Metadata, type ServiceDescriptor } from '@interoffice/core';
import { initTRPC, TRPCError, type TRPCProcedureType } from '@trpc/server';
import { trpcCodeOf } from './codes.js';
import type { QueryName, ServiceRouter } from './service-router-types.js';

/** What the `meta` option gets for each call. */
export interface ForwardOptions<TContext> {
  /** The tRPC context of the call (from the HTTP adapter's `createContext`). */
  readonly ctx: TContext;
  /** The procedure's path, `add` (or `calc.add` when mounted under `calc`). */
  readonly path: string;
  readonly type: TRPCProcedureType;
}

/** Options of {@link serviceRouter}. */
export interface ServiceRouterOptions<TContext, Q> {
  /**
   * Unary methods to expose as tRPC queries (HTTP GET, cacheable); the
   * others are mutations. Interoffice cannot tell which methods only read.
   */
  queries?: Q;
  /**
   * Request metadata for the Interoffice call, from the tRPC context: a
   * user id, a trace id. Throwing a TRPCError (UNAUTHORIZED…) refuses the call.
   */
  meta?: (opts: ForwardOptions<TContext>) => Metadata | undefined | Promise<Metadata | undefined>;
  /** Milliseconds each forwarded call may take, streams included (the client's default, 30 s). */
  timeout?: number;
}

/**
 * An Interoffice error as a TRPCError: the canonical code mapped to tRPC's
 * (`PERMISSION_DENIED` → `FORBIDDEN`), the message kept, the RpcError (with
 * its code and details) as the cause, for an error formatter to expose.
 */
export function toTRPCError(thrown: unknown): TRPCError {
  if (thrown instanceof TRPCError) return thrown;
  const error = RpcError.from(thrown);
  return new TRPCError({ code: trpcCodeOf(error.code), message: error.message, cause: error });
}

type Forward = (input: unknown, options: CallOptions) => unknown;

/** What a tRPC resolver gets, as far as forwarding needs. */
interface ResolverOptions {
  readonly input: unknown;
  readonly ctx: unknown;
  readonly path: string;
  readonly signal: AbortSignal | undefined;
}

/**
 * A tRPC router whose procedures call `service` over `channel`: unary
 * methods are mutations (queries when listed in `queries`), server streams
 * subscriptions, notifications mutations that return nothing. Inputs and
 * outputs are the service's typed values, checked by its schemas; errors
 * are TRPCErrors with the mapped code.
 *
 * @example
 * const channel = await connect('unix:///tmp/calc.sock', { transports: [socketTransport()] });
 * const appRouter = serviceRouter(Calculator, channel, { queries: ['add'] });
 * createHTTPServer({ router: appRouter }).listen(3000);
 */
export function serviceRouter<
  S extends ServiceDescriptor,
  const Q extends readonly QueryName<S>[] = [],
  TContext extends object = object,
>(service: S, channel: Channel, options: ServiceRouterOptions<TContext, Q> = {}): ServiceRouter<S, Q, TContext> {
  // Not isDev: as the root router of an HTTP server, it must not send stack traces either.
  const t = initTRPC.context<TContext>().create({ isDev: false });
  const client = createClient(service, channel, { timeout: options.timeout }) as unknown as Record<string, Forward>;
  const queries = new Set<string>(options.queries ?? []);
  const record: Record<string, unknown> = {};
  for (const method of Object.values(service.methods)) {
    const forward = client[method.name] as Forward;
    const type: TRPCProcedureType =
      method.kind === 'serverStream'
        ? 'subscription'
        : method.kind === 'unary' && queries.has(method.name)
          ? 'query'
          : 'mutation';
    const send = async ({ input, ctx, path, signal }: ResolverOptions): Promise<unknown> =>
      forward(input, { signal, meta: await options.meta?.({ ctx: ctx as TContext, path, type }) });
    // Inputs are checked where they are encoded, by the service's own schema.
    const procedure = t.procedure.input((input: unknown) => input);
    if (type === 'subscription') {
      record[method.name] = procedure.subscription(async function* (opts) {
        try {
          yield* (await send(opts)) as AsyncIterable<unknown>;
        } catch (e) {
          throw toTRPCError(e);
        }
      });
      continue;
    }
    const resolver = async (opts: ResolverOptions): Promise<unknown> => {
      try {
        return await send(opts);
      } catch (e) {
        throw toTRPCError(e);
      }
    };
    record[method.name] = type === 'query' ? procedure.query(resolver) : procedure.mutation(resolver);
  }
  return t.router(record as Parameters<typeof t.router>[0]) as unknown as ServiceRouter<S, Q, TContext>;
}
