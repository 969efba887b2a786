/**
 * The server side of one method: a grpc-js handler that decodes the request,
 * hands the call to core's engine (CallServer) (validation, middleware, the handler,
 * deadline, error mapping), and answers with a message or a status.
 */
import type {
  handleBidiStreamingCall,
  handleClientStreamingCall,
  handleServerStreamingCall,
  handleUnaryCall,
  Metadata as GrpcMetadata,
  sendUnaryData,
  ServerDuplexStream,
  ServerReadableStream,
  ServerUnaryCall,
  ServerWritableStream,
} from '@grpc/grpc-js';
import { RpcError, type CallServer, type IncomingCall, type Logger, type Metadata, type Peer } from '@interoffice/core';
import type { Readable } from 'node:stream';
import { Departure } from './departure.js';
import type { InFlight } from './in-flight.js';
import { fromGrpcMetadata, toGrpcMetadata } from './metadata.js';
import { paramsOf } from './params.js';
import type { MethodBinding } from './proto/binding.js';
import { toStatus } from './status.js';
import { streamSink } from './stream-sink.js';

/** What every handler of one server shares. */
export interface ServerContext {
  readonly dispatcher: CallServer;
  readonly logger: Logger;
  /** The server's calls in flight, and their limit. */
  readonly inFlight: InFlight;
}

const toBuffer = (u: Uint8Array): Buffer => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

/** What unary and streaming calls have in common. */
type SurfaceCall = Pick<ServerUnaryCall<Buffer, Buffer>, 'getAuthContext' | 'getPeer' | 'getDeadline' | 'metadata'> & {
  readonly request?: Buffer;
};

/**
 * The inputs of a call that takes a stream, each message decoded to its JSON as the handler
 * takes it (core validates each): a handler that reads slowly leaves them in grpc-js's
 * buffer, and HTTP/2's flow control holds the caller back.
 */
async function* inputsOf(call: Readable, b: MethodBinding, gone: Departure): AsyncGenerator<unknown> {
  const waiting: Buffer[] = [];
  let ended = false;
  let wake: (() => void) | undefined;
  const poke = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  call.on('data', (bytes: Buffer) => {
    waiting.push(bytes);
    if (waiting.length >= INPUTS_HIGH) call.pause(); // HTTP/2's window then holds the caller back
    poke();
  });
  // A caller that cancels ends the stream too: the end is decided a turn later, once grpc-js has
  // said 'cancelled' (its order varies), so that a cancel never reads as the inputs' end.
  call.on('end', () =>
    setImmediate(() => {
      ended = true;
      poke();
    }),
  );
  call.on('error', () => {}); // the call's status says it
  gone.addEventListener('abort', poke); // grpc-js does not end the stream when the caller leaves
  for (;;) {
    const bytes = waiting.shift();
    if (bytes !== undefined) {
      if (waiting.length < INPUTS_HIGH >> 1) call.resume();
      yield b.request.decode(bytes);
      continue;
    }
    if (gone.aborted || (call as { cancelled?: boolean }).cancelled === true) {
      throw new RpcError('CANCELLED', 'the caller cancelled');
    }
    if (ended) return;
    await new Promise<void>((resolve) => (wake = resolve));
  }
}

/** Inputs a handler may leave unread before the stream is paused. */
const INPUTS_HIGH = 16;

/**
 * The caller, read from grpc-js only if the handler asks (most never do).
 * A class, not an object literal with getters: such a literal is made anew,
 * accessors and all, for every call (bench/README.md has what it cost).
 */
class GrpcPeer implements Peer {
  readonly transport = 'grpc';
  readonly #call: SurfaceCall;

  constructor(call: SurfaceCall) {
    this.#call = call;
  }

  get address(): string {
    return this.#call.getPeer();
  }

  get authenticated(): true | undefined {
    const cert = this.#call.getAuthContext().sslPeerCertificate;
    return cert !== undefined && Object.keys(cert).length > 0 ? true : undefined;
  }
}

function incoming(
  call: SurfaceCall,
  b: MethodBinding,
  method: string,
  signal: Departure,
  inputs?: AsyncIterable<unknown>,
): IncomingCall {
  const d = call.getDeadline();
  return {
    method,
    params: inputs ?? paramsOf(b.request, b.request.decode(call.request ?? Buffer.alloc(0))),
    meta: fromGrpcMetadata(call.metadata),
    deadline: d instanceof Date ? d.getTime() : d,
    peer: new GrpcPeer(call),
    signal,
  };
}

/** Trailers carrying the response metadata, when there is any gRPC can carry. */
function trailers(meta: Metadata | undefined, logger: Logger): GrpcMetadata | undefined {
  if (meta === undefined) return undefined;
  try {
    return toGrpcMetadata(meta);
  } catch (e) {
    logger.warn(`response metadata dropped: ${(e as Error).message}`);
    return undefined;
  }
}

/** Encode a handler's output; a value protobuf cannot hold is the server's fault (INTERNAL, logged). */
function encode(b: MethodBinding, method: string, value: unknown, logger: Logger): Buffer {
  try {
    return toBuffer(b.response.encode(value));
  } catch (e) {
    logger.error(`${method} returned a value protobuf cannot encode`, e);
    throw new RpcError('INTERNAL', `${method} returned a value protobuf cannot encode`);
  }
}

export function unaryHandler(
  b: MethodBinding,
  method: string,
  ctx: ServerContext,
): handleUnaryCall<Buffer, Buffer> & handleClientStreamingCall<Buffer, Buffer> {
  const streamed = b.kind === 'clientStream';
  return (call: ServerUnaryCall<Buffer, Buffer> | ServerReadableStream<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => {
    const done = ctx.inFlight.enter();
    if (done instanceof RpcError) return callback(toStatus(done, undefined));
    const gone = new Departure();
    let input: IncomingCall;
    try {
      input = incoming(
        call,
        b,
        method,
        gone,
        streamed ? inputsOf(call as ServerReadableStream<Buffer, Buffer>, b, gone) : undefined,
      );
    } catch (e) {
      done();
      return callback(toStatus(RpcError.from(e, 'INVALID_ARGUMENT'), undefined));
    }
    let answered = false;
    // grpc-js says 'cancelled' after every answer too: only one before it means the caller left.
    call.on('cancelled', () => answered || gone.abort()); // on, not once: it comes once per call, and once's wrapper costs
    void ctx.dispatcher.unary(input).then((out) => {
      answered = true;
      try {
        if (gone.aborted) return; // nobody is waiting
        if (out.error !== undefined) return callback(toStatus(out.error, out.meta));
        let reply: Buffer;
        try {
          reply = encode(b, method, out.result, ctx.logger);
        } catch (e) {
          return callback(toStatus(e as RpcError, out.meta));
        }
        callback(null, reply, trailers(out.meta, ctx.logger));
      } finally {
        done(); // after the answer is on its way: a closing server waits for it
      }
    });
  };
}

export function streamHandler(
  b: MethodBinding,
  method: string,
  ctx: ServerContext,
): handleServerStreamingCall<Buffer, Buffer> & handleBidiStreamingCall<Buffer, Buffer> {
  const streamed = b.kind === 'bidiStream';
  return (call: ServerWritableStream<Buffer, Buffer> | ServerDuplexStream<Buffer, Buffer>) => {
    const done = ctx.inFlight.enter();
    if (done instanceof RpcError) return void call.emit('error', toStatus(done, undefined));
    const gone = new Departure();
    let input: IncomingCall;
    try {
      input = incoming(
        call,
        b,
        method,
        gone,
        streamed ? inputsOf(call as ServerDuplexStream<Buffer, Buffer>, b, gone) : undefined,
      );
    } catch (e) {
      done();
      call.emit('error', toStatus(RpcError.from(e, 'INVALID_ARGUMENT'), undefined));
      return;
    }
    let answered = false;
    call.on('cancelled', () => answered || gone.abort()); // on, not once: it comes once per call, and once's wrapper costs
    // Each item; when the client reads slower than the handler yields, wait for it (or for the caller to leave).
    const write = streamSink(call, gone);
    const sink = (item: unknown): void | Promise<void> => write(encode(b, method, item, ctx.logger));
    void ctx.dispatcher.stream(input, sink).then((out) => {
      answered = true;
      if (!gone.aborted) {
        if (out.error !== undefined) call.emit('error', toStatus(out.error, out.meta));
        else call.end(trailers(out.meta, ctx.logger));
      }
      done();
    });
  };
}
