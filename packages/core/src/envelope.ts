/**
 * The envelope: JSON-RPC 2.0 messages plus Interoffice's extension members.
 * docs/protocol.md is the normative description; this file is its code.
 */
import { codeFromJsonRpc, jsonRpcCodeOf, JsonRpcCode, type Code } from './codes.js';
import { codeOr, errorFields, rebuildError, RpcError, type ErrorClass } from './error.js';
import { decimalText } from './decimal.js';
import { hasMetadata, metadataFromWire, type Metadata } from './metadata.js';

/** A request id: JSON-RPC allows strings, numbers and null. */
export type Id = string | number | null;

/** A call (with `id`) or a notification (without). */
export interface RequestMessage {
  jsonrpc: '2.0';
  /** Absent for notifications. */
  id?: Id;
  /** The method's qualified name (`Calculator.add`) or its short name (`add`). */
  method: string;
  /** Named (`{"a": 2}`) or positional (`[2, 5]`) params. */
  params?: unknown;
  /** Extension: request metadata, string to string. */
  meta?: Metadata;
  /** Extension: milliseconds the caller will wait, counted from sending. */
  timeout?: number;
  /** Extension: stream items the caller takes ahead (flow control), renewed with `rpc.credit`. */
  credit?: number;
  /** Extension: a resumable stream resumed after a dropped connection: the id of the last item the caller got. */
  resumeAfter?: string;
}

/** The `error` member of an error response. */
export interface ErrorObject {
  /** JSON-RPC error code; see codes.ts for the mapping. */
  code: number;
  message: string;
  data?: {
    /** Extension: the canonical code (`INVALID_ARGUMENT`). */
    code?: Code;
    /** Extension: the error class's name, when the service declared one (`AliceBroke`). */
    name?: string;
    /** Extension: structured detail (validation issues, domain data). */
    details?: unknown;
    /** Extension: the fields the error's class set on it (`{"sku": "A-1"}`), rebuilt on the client's instance. */
    fields?: Record<string, unknown>;
  };
}

/** A response: exactly one of `result`, `error` or (extension) `item`. */
export interface ResponseMessage {
  jsonrpc: '2.0';
  id: Id;
  result?: unknown;
  error?: ErrorObject;
  /** Extension: one item of a server stream; the stream ends with a `result` (null) or an `error`. */
  item?: unknown;
  /** Extension: the id of a resumable stream's item, which the caller sends back as `resumeAfter`. */
  itemId?: string;
  /** Extension: the server takes `credit` more inputs of a call that takes a stream. */
  credit?: number;
  /** Extension: response metadata. */
  meta?: Metadata;
}

/** Extension notification a caller sends to stop a call: `params: { id }`. */
export const CANCEL_METHOD = 'rpc.cancel';

/** Extension request a caller sends to learn that the server is there (keepalive): answered `"pong"`. */
export const PING_METHOD = 'rpc.ping';

/** Extension notification: one input of a call that takes a stream, `params: { id, item }`. */
export const INPUT_METHOD = 'rpc.input';
/** Extension notification: the caller has sent all the inputs of call `id` (half-close), `params: { id }`. */
export const END_METHOD = 'rpc.end';
/** Extension notification: the caller can take `n` more stream items of call `id`, `params: { id, n }`. */
export const CREDIT_METHOD = 'rpc.credit';

/** One input of a call that takes a stream. */
export function encodeInput(id: Id, item: unknown): string {
  return `{"jsonrpc":"2.0","method":"${INPUT_METHOD}","params":{"id":${idText(id)},"item":${item === undefined ? 'null' : JSON.stringify(item)}}}`;
}

/** The end of a call's inputs. */
export function encodeEnd(id: Id): string {
  return `{"jsonrpc":"2.0","method":"${END_METHOD}","params":{"id":${idText(id)}}}`;
}

/** The client grants `n` more output items of call `id`. */
export function encodeCredit(id: Id, n: number): string {
  return `{"jsonrpc":"2.0","method":"${CREDIT_METHOD}","params":{"id":${idText(id)},"n":${n}}}`;
}

/** The server grants `n` more inputs of call `id` (a response-shaped frame with only `credit`). */
export function encodeGrant(id: Id, n: number): string {
  return `{"jsonrpc":"2.0","id":${idText(id)},"credit":${n}}`;
}

// The encoders below build the text by hand: about 3× faster than
// JSON.stringify of a whole message object, on the hot path of every call.

function idText(id: Id): string {
  return typeof id === 'number' ? decimalText(id) : JSON.stringify(id);
}

/** Method names as JSON strings: a service has few, and each call needs one. */
const methodTexts = new Map<string, string>();

function methodText(method: string): string {
  let text = methodTexts.get(method);
  if (text === undefined) {
    text = JSON.stringify(method);
    if (methodTexts.size < 4096) methodTexts.set(method, text); // bounded: raw calls may name anything
  }
  return text;
}

/** Encode a request or notification. `timeout` is omitted when infinite. */
export function encodeRequest(
  id: Id | undefined,
  method: string,
  params: unknown,
  meta: Metadata | undefined,
  timeout: number,
  credit?: number,
  resumeAfter?: string,
): string {
  let out = id === undefined ? '{"jsonrpc":"2.0","method":' : `{"jsonrpc":"2.0","id":${idText(id)},"method":`;
  out += methodText(method);
  if (params !== undefined) out += `,"params":${JSON.stringify(params)}`;
  if (hasMetadata(meta)) out += `,"meta":${JSON.stringify(meta)}`;
  if (Number.isFinite(timeout)) out += `,"timeout":${Math.max(0, Math.ceil(timeout))}`;
  if (credit !== undefined) out += `,"credit":${credit}`;
  if (resumeAfter !== undefined) out += `,"resumeAfter":${JSON.stringify(resumeAfter)}`;
  return `${out}}`;
}

/** Encode a successful response. */
export function encodeResult(id: Id, result: unknown, meta?: Metadata): string {
  const value = result === undefined ? 'null' : JSON.stringify(result);
  const tail = hasMetadata(meta) ? `,"meta":${JSON.stringify(meta)}}` : '}';
  return `{"jsonrpc":"2.0","id":${idText(id)},"result":${value}${tail}`;
}

/** Encode one server-stream item (with its id, for a resumable stream). */
export function encodeItem(id: Id, item: unknown, itemId?: string): string {
  const value = item === undefined ? 'null' : JSON.stringify(item);
  const tail = itemId === undefined ? '}' : `,"itemId":${JSON.stringify(itemId)}}`;
  return `{"jsonrpc":"2.0","id":${idText(id)},"item":${value}${tail}`;
}

/** The wire form of an error: code mapped to JSON-RPC, canonical code and class name in `data`. */
export function errorToWire(error: RpcError, jsonRpcCode = jsonRpcCodeOf(error.code)): ErrorObject {
  const data: NonNullable<ErrorObject['data']> = { code: error.code };
  if (error.name !== 'RpcError' && error.name !== 'Error') data.name = error.name;
  if (error.details !== undefined) data.details = error.details;
  const fields = errorFields(error);
  if (fields !== undefined) data.fields = fields;
  return { code: jsonRpcCode, message: error.message, data };
}

/**
 * Encode an error response. `meta` is the response metadata (the error's own
 * when absent); `jsonRpcCode` overrides the mapping (parse errors).
 */
export function encodeError(id: Id, error: RpcError, meta: Metadata = error.meta, jsonRpcCode?: number): string {
  const msg: ResponseMessage = { jsonrpc: '2.0', id, error: errorToWire(error, jsonRpcCode) };
  if (hasMetadata(meta)) msg.meta = meta;
  return JSON.stringify(msg);
}

/** Encode the cancel notification for call `id`. */
export function encodeCancel(id: Id): string {
  return JSON.stringify({ jsonrpc: '2.0', method: CANCEL_METHOD, params: { id } });
}

/** Rebuild an RpcError from a wire error object, as one of `classes` when it names one. */
export function errorFromWire(
  error: unknown,
  meta: Metadata | undefined,
  classes: ReadonlyMap<string, ErrorClass> = new Map(),
): RpcError {
  if (typeof error !== 'object' || error === null) {
    return new RpcError('INTERNAL', 'malformed error response from peer');
  }
  const e = error as Partial<ErrorObject>;
  const jsonCode = typeof e.code === 'number' ? e.code : JsonRpcCode.INTERNAL_ERROR;
  const message = typeof e.message === 'string' ? e.message : 'error without message';
  const data = typeof e.data === 'object' && e.data !== null ? e.data : {};
  const code = codeOr(data.code, codeFromJsonRpc(jsonCode));
  const name = typeof data.name === 'string' ? data.name : undefined;
  return rebuildError(classes, name, code, message, { details: data.details, meta: wireMetadata(meta) }, data.fields);
}

/** Response metadata from a peer: none when it sent none usable, or too much. */
function wireMetadata(meta: unknown): Metadata {
  const m = metadataFromWire(meta);
  return m === undefined || m instanceof RpcError ? {} : m;
}

/** True when `id` is a valid JSON-RPC id. */
export function isId(id: unknown): id is Id {
  return id === null || typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id));
}

/** The id of a parsed message a server answers as a call (a method other than `rpc.cancel`, and an id), if it is one. */
export function callIdOf(message: unknown): Id | undefined {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return undefined;
  const m = message as Record<string, unknown>;
  return 'id' in m && isId(m.id) && typeof m.method === 'string' && m.method !== CANCEL_METHOD ? m.id : undefined;
}

const headId = /"id"\s*:\s*(-?\d+(?:\.\d+)?|"(?:[^"\\]|\\.)*"|null)/;

/**
 * Best-effort id from the head of a frame too large to parse, so that the
 * right call (and only it) can be failed. Interoffice writes `id` second.
 */
export function idFromHead(head: string): Id | undefined {
  const cut = head.search(/"(params|result|error|item)"/);
  const match = headId.exec(cut === -1 ? head : head.slice(0, cut));
  if (match === null || match[1] === undefined) return undefined;
  try {
    const id: unknown = JSON.parse(match[1]);
    return isId(id) ? id : undefined;
  } catch {
    return undefined;
  }
}
