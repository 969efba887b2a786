/**
 * What a tRPC procedure throws, as the Interoffice error its caller gets:
 * the canonical code, the message, and the error's tRPC shape in the details
 * (see `wire.ts`), so tRPC clients see what tRPC over HTTP would show them.
 */
import { RpcError, type Issue, type Logger } from '@interoffice/core';
import { getTRPCErrorFromUnknown, getTRPCErrorShape, TRPCError, type AnyTRPCRouter, type TRPCProcedureType } from '@trpc/server';
import { codeFromTRPC } from './codes.js';
import type { ErrorDetails } from './wire.js';

/** What `onError` gets: tRPC's own error-handler options. */
export interface TRPCErrorHandlerOptions {
  readonly error: TRPCError;
  readonly type: TRPCProcedureType;
  readonly path: string;
  readonly input: unknown;
  /** The context, when it was made before the error. */
  readonly ctx: unknown;
}

/** Where an error happened, and who hears of it. */
export interface ErrorSite extends Omit<TRPCErrorHandlerOptions, 'error'> {
  readonly router: AnyTRPCRouter;
  readonly logger: Logger;
  readonly onError: ((opts: TRPCErrorHandlerOptions) => void) | undefined;
}

/** An RpcError tRPC wrapped as INTERNAL_SERVER_ERROR (a procedure that called another Interoffice service). */
function wrappedRpcError(error: TRPCError): RpcError | undefined {
  return error.code === 'INTERNAL_SERVER_ERROR' && error.cause instanceof RpcError ? error.cause : undefined;
}

/**
 * An INTERNAL_SERVER_ERROR whose message is its cause's: what tRPC makes of
 * any exception that is not a TRPCError. Its message is internal, so, as for
 * every Interoffice server, the caller gets `internal error` and the server
 * log gets the rest.
 */
function isCrash(error: TRPCError): boolean {
  return error.code === 'INTERNAL_SERVER_ERROR' && error.cause !== undefined && error.message === error.cause.message;
}

/** Validation issues of a BAD_REQUEST from an input parser (Standard Schema, zod), in core's form. */
function issuesOf(error: TRPCError): Issue[] | undefined {
  const issues = (error.cause as { issues?: unknown } | undefined)?.issues;
  if (error.code !== 'BAD_REQUEST' || !Array.isArray(issues)) return undefined;
  return issues.map((i: { path?: readonly unknown[]; message?: unknown; code?: unknown }) => {
    const issue: Issue = {
      path: (i.path ?? []).map((p) => {
        const key = typeof p === 'object' && p !== null && 'key' in p ? (p as { key: unknown }).key : p;
        return typeof key === 'number' ? key : String(key);
      }),
      message: String(i.message),
    };
    if (typeof i.code === 'string') issue.code = i.code;
    return issue;
  });
}

/** The shape without `data.stack`: Interoffice never puts stack traces on the wire, whatever `isDev` says. */
function withoutStack(shape: unknown): unknown {
  const data = (shape as { data?: unknown } | null)?.data;
  if (typeof data !== 'object' || data === null || !('stack' in data)) return shape;
  const { stack: _stack, ...rest } = data as Record<string, unknown>;
  return { ...(shape as object), data: rest };
}

/** Turn whatever a procedure (or `createContext`) threw into the RpcError its caller gets. */
export function toRpcError(thrown: unknown, site: ErrorSite): RpcError {
  if (thrown instanceof RpcError) return thrown; // core's own: cancelled, deadline, shutdown
  let error = getTRPCErrorFromUnknown(thrown);
  site.onError?.({ error, type: site.type, path: site.path, input: site.input, ctx: site.ctx });
  const passed = wrappedRpcError(error);
  if (passed !== undefined) return passed; // as core passes RpcErrors from handlers
  if (isCrash(error)) {
    site.logger.error(`tRPC ${site.type} ${site.path} failed`, error.cause);
    error = new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'internal error' });
  }
  const config = site.router._def._config;
  let shape: unknown;
  try {
    const formatted = getTRPCErrorShape({ config, error, type: site.type, path: site.path, input: site.input, ctx: site.ctx });
    shape = config.transformer.output.serialize(withoutStack(formatted));
  } catch (e) {
    site.logger.error(`the error formatter failed on ${site.path}`, e);
  }
  const issues = issuesOf(error);
  const details: ErrorDetails = issues === undefined ? { trpc: shape } : { trpc: shape, issues };
  return new RpcError(codeFromTRPC(error.code), error.message, { details, cause: error });
}
