export { type Code, grpcStatus, isCode, codeFromGrpcStatus, JsonRpcCode, jsonRpcCodeOf, codeFromJsonRpc } from './codes.js';
export { RpcError, errorFields, rebuildError, type RpcErrorOptions, type ErrorClass } from './error.js';
export { type Metadata, metadataFromHeaders } from './metadata.js';
export { type Schema, type SchemaResult, type Issue, type Infer, fromZod, bytes, describeIssues } from './schema.js';
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
  takesStream,
  givesStream,
  type ResumableStream,
  Tracked,
  tracked,
} from './service.js';
export {
  type Id,
  type RequestMessage,
  type ResponseMessage,
  type ErrorObject,
  CANCEL_METHOD,
  encodeRequest,
  encodeResult,
  encodeItem,
  encodeError,
  encodeCancel,
  errorFromWire,
  errorToWire,
  idFromHead,
} from './envelope.js';
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
  StreamWindows,
} from './transport.js';
export { DEFAULT_WINDOWS, streamWindows } from './windows.js';
export type {
  Transport,
  CallTransport,
  CallServer,
  IncomingCall,
  CallOutcome,
  CancelSignal,
} from './call-transport.js';
export type {
  CallOptions,
  Inheritance,
  Channel,
  ChannelCall,
  CallContext,
  Call,
  Middleware,
} from './call.js';
export { parseAddress, transportFor } from './address.js';
export { type BrokerAddress, type BrokerSchemes, brokerAddress, requireName } from './broker-address.js';
export { frameTooLarge, FRAME_HEAD_BYTES, messageBody, takeAnswer } from './frame-size.js';
export {
  type ControlRecord,
  type ControlDialect,
  CLIENT_CLOSED,
  CALLER_LEFT,
  controlText,
  parseControl,
  takeControl,
} from './control-record.js';
export { type Logger, stderrLogger } from './logger.js';
export {
  type TransportOptions,
  type ResolvedTransportOptions,
  type TlsOptions,
  DEFAULT_MAX_FRAME_BYTES,
  atLeast,
  resolveTransportOptions,
} from './options.js';
export {
  createClient,
  rawCall,
  type Client,
  type ClientMethod,
  type ClientOptions,
  DEFAULT_TIMEOUT_MS,
} from './client/client.js';
export { connect, type ConnectOptions } from './client/connect.js';
export type { KeepaliveOptions } from './client/keepalive.js';
export type { BalancePolicy, EndpointState } from './client/balance.js';
export { BalancedChannel, type HealthOptions } from './client/balanced-channel.js';
export { checkHealth, type HealthCheck } from './client/health.js';
export { HEALTH_METHOD, type HealthStatus } from './health.js';
export { RetryBudget } from './client/retry-budget.js';
export {
  type RetryPolicy,
  type HedgingPolicy,
  type RetryThrottling,
  type RetryableCode,
  type ResolvedRetryPolicy,
  resolveRetryPolicy,
  backoffDelay,
  RETRY_AFTER_KEY,
  PREVIOUS_ATTEMPTS_KEY,
} from './client/retry-policy.js';
export { retrying, RetryingChannel, type RetryOptions } from './client/retrying-channel.js';
export { resumingStream } from './client/resume.js';
export { implement, type Handler, type Handlers, type ServiceImplementation } from './server/implement.js';
export { serve, type Server, type ServeOptions } from './server/serve.js';
export { memoryTransport, type MemoryTransportOptions } from './memory.js';
export { rawConnection } from './client/raw-frames.js';
export { openRpcDocument, DISCOVER_METHOD } from './openrpc.js';
export {
  type EventBus,
  type EventCarrier,
  type EventDescriptor,
  openEvents,
  defineEvent,
  publishEvent,
  subscribeEvent,
} from './events.js';
export { ChannelListeners, type ChannelSubscriber, hearSafely } from './channel-listeners.js';
export { bounded } from './bounded.js';
