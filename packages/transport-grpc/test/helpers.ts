/** Test helpers: quiet servers, a conformance server, certificates made with openssl, a raw grpc-js client. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { serve, type Server, type ServiceImplementation } from '@interoffice/core';
import { conformanceImpl, ServerState } from '@interoffice/core/conformance';
import { grpcTransport, type GrpcTransportOptions } from '../src/index.js';

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

/** Certificates for TLS tests: a CA, a server certificate for 127.0.0.1/localhost, a client certificate, and a second CA. */
export function makeCertificates(): Record<
  'ca' | 'serverCert' | 'serverKey' | 'clientCert' | 'clientKey' | 'otherCa' | 'otherCert' | 'otherKey',
  Buffer
> {
  const dir = mkdtempSync(join(tmpdir(), 'io-tls-'));
  const ssl = (...args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ca = (name: string): void => {
    ssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.crt`,
    );
  };
  const leaf = (name: string, signer: string, ext: string): void => {
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.csr`);
    ssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${signer}.crt`,
      '-CAkey',
      `${signer}.key`,
      '-CAcreateserial',
      '-days',
      '2',
      '-out',
      `${name}.crt`,
      '-extfile',
      ext,
    );
  };
  ca('ca');
  ca('other-ca');
  execFileSync(
    'sh',
    [
      '-c',
      "printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\n' > server.ext; printf 'extendedKeyUsage=clientAuth\\n' > client.ext",
    ],
    { cwd: dir },
  );
  leaf('server', 'ca', 'server.ext');
  leaf('client', 'ca', 'client.ext');
  leaf('other', 'other-ca', 'client.ext');
  const read = (f: string): Buffer => readFileSync(join(dir, f));
  return {
    ca: read('ca.crt'),
    serverCert: read('server.crt'),
    serverKey: read('server.key'),
    clientCert: read('client.crt'),
    clientKey: read('client.key'),
    otherCa: read('other-ca.crt'),
    otherCert: read('other.crt'),
    otherKey: read('other.key'),
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Resolve once `condition()` holds (polled every 10 ms); fail after `ms`, with `what` it waited for. */
export async function until(condition: () => boolean | Promise<boolean>, ms: number, what = 'the condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(10);
  }
}
