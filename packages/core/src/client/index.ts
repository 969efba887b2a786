/**
 * `@interoffice/core/client`: the client path alone — services, the typed
 * client, errors, the transport seam's types — with no Node built-ins, for
 * browsers and other runtimes without them. Servers, the in-memory transport
 * and the conformance suite stay in `@interoffice/core`.
 */
export { type Code, grpcStatus, isCode, codeFromGrpcStatus, JsonRpcCode, jsonRpcCodeOf, codeFromJsonRpc } from '../codes.js';
export { RpcError, errorFields, rebuildError, type RpcErrorOptions, type ErrorClass } from '../error.js';
export type { Metadata } from '../metadata.js';
export { type Schema, type SchemaResult, type Issue, type Infer, fromZod, bytes, describeIssues } from '../schema.js';
export {
  type MethodKind,
  type Idempotency,
  type MethodSpec,
  type MethodDescriptor,
  type ServiceDescriptor,
  type SchemaLike,
  type ValueOf,
  type InputOf,
  type OutputOf,
  defineService,
  unary,
  serverStream,
  clientStream,
  bidiStream,
  notification,
  type ResumableStream,
  Tracked,
  tracked,
} from '../service.js';
export type {
  FrameTransport,
  Connection,
  FrameHandler,
  Listener,
  Peer,
  MessageTransport,
  MessageConnection,
  MessageHandler,
  MessageServer,
  Delivery,
  Answer,
  OutgoingRequest,
  RequestId,
  RequestFields,
  RequestRecord,
  ResponseFields,
} from '../transport.js';
export type { Transport, CallTransport, CallServer, IncomingCall, CallOutcome, CancelSignal } from '../call-transport.js';
export type { CallOptions, Inheritance, Channel, ChannelCall, CallContext, Call, Middleware } from '../call.js';
export { parseAddress, transportFor } from '../address.js';
export { type Logger, stderrLogger } from '../logger.js';
export {
  type TransportOptions,
  type ResolvedTransportOptions,
  DEFAULT_MAX_FRAME_BYTES,
  atLeast,
  resolveTransportOptions,
} from '../options.js';
export { createClient, rawCall, type Client, type ClientMethod, type ClientOptions, DEFAULT_TIMEOUT_MS } from './client.js';
export { connect, type ConnectOptions } from './connect.js';
export { utf8Length } from '../utf8.js';
export { DEFAULT_WINDOWS } from '../windows.js';
