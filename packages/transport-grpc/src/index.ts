export { grpcTransport } from './transport.js';
export type { GrpcTransportOptions, GrpcTlsOptions } from './options.js';
export { GrpcChannel } from './client.js';
export { resolveMethod, type Reflection, type ReflectedMethod } from './reflection/client.js';
export { protoFileOf } from './proto/print.js';
export { ProtoMappingError } from './proto/mapped.js';
export type { ProtoSource } from './proto/source.js';
