/**
 * An Interoffice error as the TRPCClientError a tRPC client expects: the
 * shape the tRPC server sent when it came from a procedure; otherwise (a
 * deadline, a lost connection, a plain Interoffice server) a shape made from
 * the canonical code, as tRPC's default error formatter would make it.
 */
import { RpcError } from '@interoffice/core';
import { TRPCClientError } from '@trpc/client';
import { TRPCError, type AnyTRPCRouter, type TRPCCombinedDataTransformer } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import { trpcCodeOf } from './codes.js';
import { shapeOf } from './wire.js';

/** A tRPC error shape: what TRPCClientError needs to expose `shape` and `data`. */
interface Shape {
  message: string;
  code: number;
  data?: unknown;
}

function isShape(value: unknown): value is Shape {
  const v = value as Partial<Shape> | null;
  return typeof v === 'object' && v !== null && typeof v.code === 'number' && typeof v.message === 'string';
}

/** The default shape tRPC would give an error with this canonical code. */
function shapeFor(error: RpcError, path: string): Shape {
  const code = trpcCodeOf(error.code);
  return {
    message: error.message,
    code: TRPC_ERROR_CODES_BY_KEY[code],
    data: { code, httpStatus: getHTTPStatusCodeFromError(new TRPCError({ code })), path },
  };
}

/**
 * The TRPCClientError for what a call through the link failed with. Its
 * `cause` is the RpcError, with the canonical `code`, `details` and `meta`.
 */
export function toClientError(
  thrown: unknown,
  path: string,
  transformer: TRPCCombinedDataTransformer,
): TRPCClientError<AnyTRPCRouter> {
  const error = RpcError.from(thrown);
  const wire = shapeOf(error.details);
  let shape: unknown;
  if (wire !== undefined) {
    try {
      shape = transformer.output.deserialize(wire);
    } catch {
      shape = undefined; // not ours to read: fall back to the canonical code
    }
  }
  return TRPCClientError.from({ error: isShape(shape) ? shape : shapeFor(error, path) }, { cause: error });
}
