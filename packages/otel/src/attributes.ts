/**
 * Span and metric attributes after OpenTelemetry's RPC semantic conventions
 * (v1.37, the form existing RPC instrumentations emit): `rpc.system` is
 * `grpc` on gRPC and `jsonrpc` on every other transport (they all speak
 * JSON-RPC 2.0), with each system's own status attribute.
 */
import type { Attributes } from '@opentelemetry/api';
import { type Call, type Code, grpcStatus, jsonRpcCodeOf, type MethodDescriptor, type Peer, RpcError } from '@interoffice/core';

/** The RPC system of a call, from the transport: gRPC's own protocol, or JSON-RPC 2.0. */
export type RpcSystem = 'grpc' | 'jsonrpc';

export function systemOf(peer: Peer | undefined): RpcSystem {
  return peer?.transport === 'grpc' || peer?.transport === 'grpcs' ? 'grpc' : 'jsonrpc';
}

/** What a call's span and measurements say before it ends, the same for every call of a method to (or from) one place. */
export interface CallShape {
  readonly system: RpcSystem;
  readonly name: string;
  readonly attributes: Attributes;
  /** `attributes` with the outcome of a call that succeeded. */
  readonly succeeded: Attributes;
}

// Made once per method and place: parsing a URL for every call costs more than the rest of the
// call's tracing. A client's peer is its channel's, one object; a server's, by transport.
const clientShapes = new WeakMap<MethodDescriptor, WeakMap<Peer, CallShape>>();
const serverShapes = new WeakMap<MethodDescriptor, Map<string, CallShape>>();
const noPeer: Peer = { transport: '', address: '' };

/** The shape of `call`, from the cache. */
export function shapeOf(call: Call): CallShape {
  if (call.side === 'client') {
    const peer = call.peer ?? noPeer;
    let byPeer = clientShapes.get(call.method);
    if (byPeer === undefined) clientShapes.set(call.method, (byPeer = new WeakMap()));
    let shape = byPeer.get(peer);
    if (shape === undefined) byPeer.set(peer, (shape = makeShape(call)));
    return shape;
  }
  const transport = call.peer?.transport ?? '';
  let byTransport = serverShapes.get(call.method);
  if (byTransport === undefined) serverShapes.set(call.method, (byTransport = new Map()));
  let shape = byTransport.get(transport);
  if (shape === undefined) byTransport.set(transport, (shape = makeShape(call)));
  return shape;
}

function makeShape(call: Call): CallShape {
  const system = systemOf(call.peer);
  const attributes = Object.freeze(callAttributes(call, system));
  const succeeded = Object.freeze({ ...attributes, ...outcomeAttributes(system, undefined) });
  return { system, name: spanName(call), attributes, succeeded };
}

/** `{rpc.service}/{rpc.method}`, the span name the conventions ask for. */
export function spanName(call: Call): string {
  return `${call.method.service}/${call.method.name}`;
}

/** What every span and measurement of the call carries. */
export function callAttributes(call: Call, system: RpcSystem): Attributes {
  const a: Attributes = {
    'rpc.system': system,
    'rpc.service': call.method.service,
    'rpc.method': call.method.name,
  };
  if (system === 'jsonrpc') a['rpc.jsonrpc.version'] = '2.0';
  if (call.peer !== undefined) a['interoffice.transport'] = call.peer.transport;
  if (call.side === 'client') Object.assign(a, serverAttributes(call.peer));
  return a;
}

/**
 * `server.address` and `server.port` from the URL the client called: host
 * and port where the URL has them (`redis://127.0.0.1:6379/calc`), else its
 * path (`unix:///tmp/calc.sock`, a shared file).
 */
export function serverAttributes(peer: Peer | undefined): Attributes {
  // A balancing channel's peer lists its servers, space-separated: no one of them is the server.
  if (peer === undefined || peer.address.includes(' ')) return {};
  let url: URL;
  try {
    url = new URL(peer.address);
  } catch {
    return { 'server.address': peer.address };
  }
  if (url.hostname !== '') {
    const a: Attributes = { 'server.address': url.hostname.replace(/^\[(.*)\]$/, '$1') };
    if (url.port !== '') a['server.port'] = Number(url.port);
    return a;
  }
  return url.pathname !== '' ? { 'server.address': url.pathname } : {};
}

/** The code a failed call ended with. */
export function codeOf(error: unknown): Code {
  return RpcError.from(error).code;
}

/** How the call ended, for the span and the measurement: the system's status attribute and `error.type`. */
export function outcomeAttributes(system: RpcSystem, code: Code | undefined): Attributes {
  if (system === 'grpc') {
    const a: Attributes = { 'rpc.grpc.status_code': code === undefined ? 0 : grpcStatus[code] };
    if (code !== undefined) a['error.type'] = code;
    return a;
  }
  return code === undefined ? {} : { 'rpc.jsonrpc.error_code': jsonRpcCodeOf(code), 'error.type': code };
}

// The codes a gRPC server span counts as its own failure; the others are the caller's doing.
const serverFaults = new Set<Code>(['UNKNOWN', 'DEADLINE_EXCEEDED', 'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS']);

/**
 * Whether the span's status is ERROR: every failure on a client span and on
 * a JSON-RPC server span (an error response is an error); on a gRPC server
 * span only the codes that are the server's fault, as the gRPC conventions say.
 */
export function isSpanError(side: Call['side'], system: RpcSystem, code: Code): boolean {
  return side === 'client' || system === 'jsonrpc' || serverFaults.has(code);
}
