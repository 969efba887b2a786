/**
 * The gRPC transport: a call transport (core's `CallTransport`) on
 * @grpc/grpc-js. It maps core's call model onto gRPC — deadline, metadata,
 * status, server streams, cancellation — rather than carrying the envelope,
 * so stock gRPC clients and servers in any language are its peers.
 */
import { Client, connectivityState as State, Metadata, type ChannelInterface } from '@grpc/grpc-js';
import { RpcError, type CallTransport, type Channel } from '@interoffice/core';
import { GrpcChannel } from './channel.js';
import { channelCredentials, clientOptions, settings, targetOf, type GrpcTransportOptions } from './options.js';
import { listen } from './server.js';

/** Why nobody answered: grpc-js says it on a call, not on the channel. */
function probe(client: Client): Promise<string> {
  return new Promise((resolve) => {
    const id = (b: Buffer): Buffer => b;
    client.makeUnaryRequest('/grpc.health.v1.Health/Check', id, id, Buffer.alloc(0), new Metadata(), { deadline: Date.now() + 1000 }, (e) =>
      resolve((e?.details ?? 'connection failed').replace(/\s*Resolution note:\s*$/, '').trim()),
    );
  });
}

/** Resolve once the channel is ready; UNAVAILABLE as soon as a connection attempt fails, or at the timeout. */
function ready(client: Client, url: URL, ms: number): Promise<void> {
  const channel: ChannelInterface = client.getChannel();
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const fail = async (why: string): Promise<void> => {
      reject(new RpcError('UNAVAILABLE', `cannot connect to ${url.href}: ${why}`));
      client.close();
    };
    const check = (): void => {
      const state = channel.getConnectivityState(true);
      if (state === State.READY) return resolve();
      if (state === State.TRANSIENT_FAILURE) return void probe(client).then(fail);
      if (state === State.SHUTDOWN) return void fail('the channel was closed');
      channel.watchConnectivityState(state, deadline, (error) => (error ? void fail(`no answer within ${ms} ms`) : check()));
    };
    check();
  });
}

/**
 * The gRPC transport, for `grpc://host:port` (plain text) and
 * `grpcs://host:port` (TLS; mutual TLS with `tls.requireClientCert`).
 *
 * @example
 * const transports = [grpcTransport()];
 * await serve(implement(Calculator, handlers), { listen: ['grpc://127.0.0.1:50051'], transports });
 * const calc = createClient(Calculator, await connect('grpc://127.0.0.1:50051', { transports }));
 */
export function grpcTransport(options: GrpcTransportOptions = {}): CallTransport {
  const s = settings(options);
  return {
    kind: 'calls',
    schemes: ['grpc', 'grpcs'],
    async connect(url): Promise<Channel> {
      const client = new Client(targetOf(url), channelCredentials(url, s), clientOptions(s));
      await ready(client, url, s.connectTimeout);
      return new GrpcChannel(client);
    },
    listen: (url, dispatcher) => listen(url, dispatcher, s),
  };
}
