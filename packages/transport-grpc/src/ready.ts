/**
 * Waiting for a new channel to be ready, and saying why when it is not:
 * grpc-js tells the reason (refused, a TLS handshake failed) on a call, not
 * on the channel.
 */
import { connectivityState as State, Metadata, type ChannelInterface, type Client } from '@grpc/grpc-js';
import { RpcError } from '@interoffice/core';

/** Why nobody answered, as a call finds out. */
function probe(client: Client): Promise<string> {
  return new Promise((resolve) => {
    const id = (b: Buffer): Buffer => b;
    client.makeUnaryRequest(
      '/grpc.health.v1.Health/Check',
      id,
      id,
      Buffer.alloc(0),
      new Metadata(),
      { deadline: Date.now() + 1000 },
      (e) => resolve((e?.details ?? 'connection failed').replace(/\s*Resolution note:\s*$/, '').trim()),
    );
  });
}

/** Resolve once the channel is ready; UNAVAILABLE as soon as a connection attempt fails, or at the timeout. */
export function ready(client: Client, url: URL, ms: number): Promise<void> {
  const channel: ChannelInterface = client.getChannel();
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const fail = (why: string): void => {
      reject(new RpcError('UNAVAILABLE', `cannot connect to ${url.href}: ${why}`));
      client.close();
    };
    const check = (): void => {
      const state = channel.getConnectivityState(true);
      if (state === State.READY) return resolve();
      if (state === State.TRANSIENT_FAILURE) return void probe(client).then(fail);
      if (state === State.SHUTDOWN) return fail('the channel was closed');
      channel.watchConnectivityState(state, deadline, (error) => (error ? fail(`no answer within ${ms} ms`) : check()));
    };
    check();
  });
}
