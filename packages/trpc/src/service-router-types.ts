/**
 * The type of the tRPC router `serviceRouter` makes from a service: one
 * procedure per method, typed from the method's schemas, so a tRPC client
 * of it (over HTTP, or anything) gets the service's types.
 */
import type { MethodSpec, ServiceDescriptor } from '@interoffice/core';
import type {
  TRPCBuiltRouter,
  TRPCDefaultErrorShape,
  TRPCMutationProcedure,
  TRPCQueryProcedure,
  TRPCSubscriptionProcedure,
} from '@trpc/server';

/** The names of a service's unary methods: the ones that may be queries. */
export type QueryName<S extends ServiceDescriptor> = {
  [K in keyof S['methods']]: S['methods'][K] extends MethodSpec<'unary'> ? K : never;
}[keyof S['methods']] &
  string;

type Def<I, O> = { input: I; output: O; meta: object; errorShape: TRPCDefaultErrorShape };

/** The procedure for one method: a query or mutation, a subscription, or a mutation returning nothing. */
export type ProcedureOf<D, IsQuery extends boolean> =
  D extends MethodSpec<'unary', infer I, infer O>
    ? IsQuery extends true
      ? TRPCQueryProcedure<Def<I, O>>
      : TRPCMutationProcedure<Def<I, O>>
    : D extends MethodSpec<'serverStream', infer I, infer O>
      ? TRPCSubscriptionProcedure<Def<I, AsyncIterable<O, void, unknown>>>
      : D extends MethodSpec<'notification', infer I, unknown>
        ? TRPCMutationProcedure<Def<I, undefined>>
        : never;

/** The router `serviceRouter(service, channel, { queries })` returns. */
export type ServiceRouter<S extends ServiceDescriptor, Q extends readonly string[], TContext extends object> = TRPCBuiltRouter<
  { ctx: TContext; meta: object; errorShape: TRPCDefaultErrorShape; transformer: false },
  { [K in keyof S['methods'] & string]: ProcedureOf<S['methods'][K], K extends Q[number] ? true : false> }
>;
