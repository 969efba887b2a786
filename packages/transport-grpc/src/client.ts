/**
 * The client side: core's Channel over a grpc-js Client. Typed calls find
 * their messages in the method's descriptor; calls by name (`rawCall`, the
 * CLI) learn them from the server by reflection. Deadlines, cancellation,
 * metadata and status are gRPC's own.
 */
import {
  Client,
  type CallOptions,
  type ClientDuplexStream,
  type ClientWritableStream,
  type Metadata as GrpcMetadata,
  type StatusObject,
} from '@grpc/grpc-js';
import { RpcError, type Channel, type ChannelCall, type HealthStatus, type KeepaliveOptions, type Peer } from '@interoffice/core';
import type { GrpcAddress } from './address.js';
import { channelCredentials, channelOptions } from './credentials.js';
import { checkHealth } from './health.js';
import { toGrpcMetadata } from './metadata.js';
import type { GrpcOptions } from './options.js';
import { requestJson } from './params.js';
import { bindMethod, type MethodBinding } from './proto/binding.js';
import type { MessageCodec } from './proto/codec.js';
import { ready } from './ready.js';
import { reflect, resolveMethod, type Reflection } from './reflection/client.js';
import { settle } from './status.js';
import { StreamReader } from './stream-reader.js';

/** A channel to the server at `url`, once it is ready; UNAVAILABLE, with the reason, when it is not. */
export async function connectChannel(
  url: URL,
  address: GrpcAddress,
  o: GrpcOptions,
  lazy = false,
  keepalive?: KeepaliveOptions,
): Promise<GrpcChannel> {
  // Keepalive is HTTP/2's own PING, sent only while calls are in flight (as core's is).
  const pings = keepalive && { 'grpc.keepalive_time_ms': keepalive.intervalMs, 'grpc.keepalive_timeout_ms': keepalive.timeoutMs };
  const client = new Client(address.target, channelCredentials(address, o), { ...channelOptions(o), ...pings });
  if (!lazy) await ready(client, url, o.connectTimeout);
  return new GrpcChannel(client, { transport: url.protocol.slice(0, -1), address: url.href });
}

const identity = (b: Buffer): Buffer => b;

function kindMismatch(call: ChannelCall, route: Route): RpcError {
  return new RpcError('UNIMPLEMENTED', `${call.method} is a ${route.kind ?? 'streaming'} method on the server; this call is not`);
}

/**
 * Write a call's inputs as gRPC's flow control lets them go (a write that fills the buffer
 * waits for `drain`), then half-close. An input that cannot be sent cancels the call; the
 * error returned is then the call's.
 */
async function writeInputs(
  c: ClientWritableStream<Buffer> | ClientDuplexStream<Buffer, Buffer>,
  inputs: AsyncIterable<unknown>,
  route: Route,
): Promise<RpcError | undefined> {
  let over = false;
  const stop = (): void => void (over = true);
  c.once('status', stop);
  const it = inputs[Symbol.asyncIterator]();
  try {
    for (;;) {
      const r = await it.next();
      if (over) break;
      if (r.done === true) {
        c.end();
        return undefined;
      }
      if (!c.write(toBuffer(route.request.encode(r.value)))) {
        // Whichever comes first; the other listener goes, or a long stream piles them up.
        await new Promise<void>((resolve) => {
          const done = (): void => {
            c.off('drain', done);
            c.off('status', done);
            resolve();
          };
          c.once('drain', done);
          c.once('status', done);
        });
      }
    }
  } catch (e) {
    const error = RpcError.from(e, 'CANCELLED');
    c.cancel();
    return error;
  }
  await it.return?.();
  return undefined;
}
const toBuffer = (u: Uint8Array): Buffer => Buffer.from(u.buffer, u.byteOffset, u.byteLength);
const cancelled = (): RpcError => new RpcError('CANCELLED', 'the call was cancelled');

/** What a call needs of its method: its path, kind and codecs. */
type Route = Pick<MethodBinding, 'path' | 'kind' | 'request' | 'response'>;

/** A codec whose refusals say which method's params they are, as the server's do on a JSON transport. */
function naming(codec: MessageCodec, fullName: string): MessageCodec {
  return {
    ...codec,
    encode(json) {
      try {
        return codec.encode(json);
      } catch (e) {
        if (!(e instanceof RpcError) || e.code !== 'INVALID_ARGUMENT') throw e;
        throw new RpcError('INVALID_ARGUMENT', `invalid params for ${fullName}: ${e.message}`, { details: e.details, cause: e });
      }
    },
  };
}

export class GrpcChannel implements Channel {
  readonly #client: Client;
  readonly #calls = new Set<{ cancel(): void }>();
  #reflection: { at: number; value: Promise<Reflection> } | undefined;
  #closed = false;

  constructor(
    client: Client,
    /** The server, as the client addresses it, for middleware (tracing). */
    readonly peer?: Peer,
  ) {
    this.#client = client;
  }

  /** The server's services as reflection reports them (asked once; `refresh` asks again). */
  reflection(refresh = false): Promise<Reflection> {
    if (refresh || this.#reflection === undefined) {
      const value = reflect(this.#client);
      const entry = { at: Date.now(), value };
      value.catch(() => {
        if (this.#reflection === entry) this.#reflection = undefined; // ask again next time
      });
      this.#reflection = entry;
    }
    return this.#reflection.value;
  }

  /** The route of a typed call, or (by reflection) of a call by name. */
  #route(call: ChannelCall): Route | Promise<Route> {
    if (call.descriptor !== undefined) {
      try {
        return bindMethod(call.descriptor);
      } catch (e) {
        throw new RpcError('UNIMPLEMENTED', `${call.method} cannot be called over gRPC: ${(e as Error).message}`, { cause: e });
      }
    }
    return this.#byName(call.method);
  }

  async #byName(name: string): Promise<Route> {
    let found = resolveMethod(await this.reflection(), name);
    // The server may have changed since we asked: ask once more before giving up.
    if (found instanceof RpcError && Date.now() - (this.#reflection?.at ?? 0) > 1000)
      found = resolveMethod(await this.reflection(true), name);
    if (found instanceof RpcError) throw found;
    if (found.kind === undefined)
      throw new RpcError('UNIMPLEMENTED', `${name} streams from the client, which Interoffice does not call`);
    return { path: found.path, kind: found.kind, request: naming(found.request, found.fullName), response: found.response };
  }

  #prepare(call: ChannelCall, route: Route): { bytes: Buffer; metadata: GrpcMetadata; options: CallOptions } {
    if (this.#closed) throw new RpcError('CANCELLED', 'the channel was closed');
    const bytes = toBuffer(route.request.encode(requestJson(route.request, call.params, call.method)));
    const metadata = toGrpcMetadata(call.meta);
    if (call.waitForReady) metadata.setOptions({ waitForReady: true });
    return { bytes, metadata, options: Number.isFinite(call.deadline) ? { deadline: call.deadline } : {} };
  }

  unary(call: ChannelCall): Promise<unknown> {
    if (call.signal?.aborted) return Promise.reject(cancelled());
    try {
      const route = this.#route(call);
      return route instanceof Promise ? route.then((r) => this.#unary(call, r)) : this.#unary(call, route);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  #unary(call: ChannelCall, route: Route): Promise<unknown> {
    if (route.kind === 'serverStream')
      return Promise.reject(new RpcError('UNIMPLEMENTED', `${call.method} is a server stream: iterate it`));
    const inputs = call.inputs;
    if ((inputs !== undefined) !== (route.kind === 'clientStream')) return Promise.reject(kindMismatch(call, route));
    const { bytes, metadata, options } = this.#prepare(call, route);
    return new Promise((resolve, reject) => {
      let reply: Buffer | undefined;
      let headers: GrpcMetadata | undefined; // converted only if someone looks
      let inputError: RpcError | undefined;
      const answer = (_err: unknown, value: Buffer | undefined): void => void (reply = value);
      const c =
        inputs === undefined
          ? this.#client.makeUnaryRequest(route.path, identity, identity, bytes, metadata, options, answer)
          : this.#client.makeClientStreamRequest(route.path, identity, identity, metadata, options, answer);
      if (inputs !== undefined) {
        void writeInputs(c as ClientWritableStream<Buffer>, inputs, route).then((e) => (inputError = e));
      }
      const onAbort = (): void => c.cancel();
      call.signal?.addEventListener('abort', onAbort, { once: true });
      this.#calls.add(c);
      c.on('metadata', (m: GrpcMetadata) => (headers = m));
      // grpc-js reports the status right after the callback, with the trailers.
      c.on('status', (s: StatusObject) => {
        this.#calls.delete(c);
        call.signal?.removeEventListener('abort', onAbort);
        const outcome = inputError ?? settle(call, s, headers);
        if (outcome !== undefined) return reject(outcome);
        try {
          resolve(call.decode(route.response.decode(reply ?? Buffer.alloc(0))));
        } catch (e) {
          reject(RpcError.from(e, 'INTERNAL'));
        }
      });
    });
  }

  stream(call: ChannelCall): AsyncIterable<unknown> {
    return { [Symbol.asyncIterator]: () => this.#stream(call) };
  }

  async *#stream(call: ChannelCall): AsyncGenerator<unknown> {
    if (call.signal?.aborted) throw cancelled();
    const route = await this.#route(call);
    const inputs = call.inputs;
    if (route.kind !== 'serverStream' && route.kind !== 'bidiStream')
      throw new RpcError('UNIMPLEMENTED', `${call.method} is not a server stream`);
    if ((inputs !== undefined) !== (route.kind === 'bidiStream')) throw kindMismatch(call, route);
    const { bytes, metadata, options } = this.#prepare(call, route);
    const c =
      inputs === undefined
        ? this.#client.makeServerStreamRequest(route.path, identity, identity, bytes, metadata, options)
        : this.#client.makeBidiStreamRequest(route.path, identity, identity, metadata, options);
    let headers: GrpcMetadata | undefined;
    let inputError: RpcError | undefined;
    c.on('metadata', (m: GrpcMetadata) => (headers = m));
    const reader = new StreamReader(
      c,
      (item) => call.decode(route.response.decode(item)),
      (s) => inputError ?? settle(call, s, headers),
    );
    if (inputs !== undefined) {
      void writeInputs(c as ClientDuplexStream<Buffer, Buffer>, inputs, route).then((e) => (inputError = e));
    }
    const onAbort = (): void => c.cancel();
    call.signal?.addEventListener('abort', onAbort, { once: true });
    this.#calls.add(c);
    try {
      yield* reader;
    } finally {
      this.#calls.delete(c);
      call.signal?.removeEventListener('abort', onAbort);
      if (!reader.settled) c.cancel(); // left early: tell the server
    }
  }

  async notify(call: ChannelCall): Promise<void> {
    const route = await this.#route(call);
    // Fire and forget: nobody waits for the (empty) answer.
    this.#unary(call, route).catch(() => {});
  }

  /** grpc.health.v1.Health/Check, for core's balancer. */
  health(check: {
    readonly service: string;
    readonly deadline: number;
    readonly signal?: AbortSignal | undefined;
  }): Promise<HealthStatus> {
    if (this.#closed) return Promise.reject(new RpcError('CANCELLED', 'the channel was closed'));
    return checkHealth(this.#client, check);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const c of this.#calls) c.cancel();
    this.#client.close();
  }
}
