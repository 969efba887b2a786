/**
 * The canonical status codes: gRPC's set, by name. Every error in Interoffice
 * carries one of these, whatever the transport.
 */
export type Code =
  | 'CANCELLED'
  | 'UNKNOWN'
  | 'INVALID_ARGUMENT'
  | 'DEADLINE_EXCEEDED'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'PERMISSION_DENIED'
  | 'RESOURCE_EXHAUSTED'
  | 'FAILED_PRECONDITION'
  | 'ABORTED'
  | 'OUT_OF_RANGE'
  | 'UNIMPLEMENTED'
  | 'INTERNAL'
  | 'UNAVAILABLE'
  | 'DATA_LOSS'
  | 'UNAUTHENTICATED';

/** gRPC's numeric status for each code (0, OK, is never an error). */
export const grpcStatus: Readonly<Record<Code, number>> = {
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
};

const codes = Object.keys(grpcStatus) as Code[];

/** True when `value` is one of the canonical code names. */
export function isCode(value: unknown): value is Code {
  return typeof value === 'string' && Object.hasOwn(grpcStatus, value);
}

/** The canonical code for a gRPC numeric status; unknown numbers give UNKNOWN. */
export function codeFromGrpcStatus(status: number): Code {
  return codes.find((c) => grpcStatus[c] === status) ?? 'UNKNOWN';
}

/** JSON-RPC 2.0's own error codes. */
export const JsonRpcCode = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL_ERROR: -32603,
} as const;

/**
 * Canonical code → JSON-RPC error code. The three codes JSON-RPC names itself
 * use its numbers; the rest use the implementation-defined server range,
 * -32000 minus gRPC's status number, so the table is easy to recompute.
 */
export function jsonRpcCodeOf(code: Code): number {
  switch (code) {
    case 'INVALID_ARGUMENT':
      return JsonRpcCode.INVALID_PARAMS;
    case 'UNIMPLEMENTED':
      return JsonRpcCode.METHOD_NOT_FOUND;
    case 'INTERNAL':
      return JsonRpcCode.INTERNAL_ERROR;
    default:
      return -32000 - grpcStatus[code];
  }
}

/**
 * JSON-RPC error code → canonical code, for errors from peers that do not
 * send `data.code` (any plain JSON-RPC server).
 */
export function codeFromJsonRpc(jsonRpcCode: number): Code {
  switch (jsonRpcCode) {
    case JsonRpcCode.PARSE_ERROR:
    case JsonRpcCode.INVALID_REQUEST:
    case JsonRpcCode.INVALID_PARAMS:
      return 'INVALID_ARGUMENT';
    case JsonRpcCode.METHOD_NOT_FOUND:
      return 'UNIMPLEMENTED';
    case JsonRpcCode.INTERNAL_ERROR:
      return 'INTERNAL';
  }
  const status = -32000 - jsonRpcCode;
  return status >= 1 && status <= 16 ? codeFromGrpcStatus(status) : 'UNKNOWN';
}
