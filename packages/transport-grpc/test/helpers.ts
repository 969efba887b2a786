import * as grpc from '@grpc/grpc-js';
import { serve, type Server, type ServiceImplementation } from '@interoffice/core';
import { conformanceImpl, ServerState } from '@interoffice/core/conformance';
import { grpcTransport, type GrpcTransportOptions } from '../src/index.js';
export { until } from '../../core/test/shared/until.js';

export const quiet = { warn: () => {}, error: () => {} };

/** Things to undo after each test, in reverse order. */
export const cleanups: (() => unknown)[] = [];
export async function cleanup(): Promise<void> {
  for (const c of cleanups.splice(0).reverse()) await c();
}

/** Serve `impl` (the conformance service by default) on a fresh port; closed after the test. */
export async function serveGrpc(
  options: GrpcTransportOptions = {},
  impl: ServiceImplementation | ServiceImplementation[] = conformanceImpl(new ServerState()),
  scheme = 'grpc',
): Promise<{ server: Server; url: string }> {
  const server = await serve(impl, {
    listen: [`${scheme}://127.0.0.1:0`],
    transports: [grpcTransport({ logger: quiet, ...options })],
    logger: quiet,
  });
  cleanups.push(() => server.close({ graceMs: 0 }));
  return { server, url: (server.urls[0] as URL).href };
}

/** A stock grpc-js client for `url`, sending and receiving raw bytes. */
export function rawClient(url: string): {
  unary(
    path: string,
    body: Uint8Array,
    md?: grpc.Metadata,
  ): Promise<{ error?: grpc.ServiceError; value?: Buffer; trailers?: grpc.Metadata }>;
  client: grpc.Client;
} {
  const client = new grpc.Client(new URL(url).host, grpc.credentials.createInsecure());
  cleanups.push(() => client.close());
  const id = (b: Buffer): Buffer => b;
  return {
    client,
    unary: (path, body, md = new grpc.Metadata()) =>
      new Promise((resolve) => {
        let trailers: grpc.Metadata | undefined;
        const call = client.makeUnaryRequest(path, id, id, Buffer.from(body), md, (error, value) =>
          setImmediate(() =>
            resolve({ ...(error ? { error } : {}), ...(value ? { value } : {}), ...(trailers ? { trailers } : {}) }),
          ),
        );
        call.on('status', (s) => (trailers = s.metadata));
      }),
  };
}

export { makeCertificates } from '@interoffice/core/conformance';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
