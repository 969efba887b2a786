/**
 * tRPC over every Interoffice transport: serve a tRPC v11 router
 * (`implementRouter`), call one with a stock tRPC client (`interofficeLink`),
 * and put an Interoffice service behind tRPC (`serviceRouter`).
 */
export {
  implementRouter,
  loadLazyRouters,
  type CreateContextOptions,
  type ImplementRouterArgs,
  type ImplementRouterOptions,
} from './implement-router.js';
export { interofficeLink, type InterofficeLinkOptions } from './link.js';
export type { LinkMeta } from './link-call.js';
export { serviceRouter, toTRPCError, type ForwardOptions, type ServiceRouterOptions } from './service-router.js';
export type { ProcedureOf, QueryName, ServiceRouter } from './service-router-types.js';
export type { TRPCErrorHandlerOptions } from './server-errors.js';
export { codeFromTRPC, trpcCodeOf } from './codes.js';
export { DEFAULT_PREFIX, type ErrorDetails, type SubscriptionItem } from './wire.js';
