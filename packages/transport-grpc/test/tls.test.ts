/**
 * TLS and mutual TLS on grpcs:// URLs, with certificates made by openssl for
 * the test: a CA, a server certificate for 127.0.0.1, a client certificate,
 * and a second CA whose certificates nobody should trust.
 */
import { connect, createClient, defineService, implement, RpcError, unary } from '@interoffice/core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { grpcTransport, type GrpcTlsOptions } from '../src/index.js';
import { cleanup, cleanups, makeCertificates, quiet, serveGrpc } from './helpers.js';

let certs: ReturnType<typeof makeCertificates>;
beforeAll(() => {
  certs = makeCertificates();
});
afterEach(cleanup);

// A service that tells the caller who it is, as the server sees it.
const Who = defineService('tls.Who', {
  whoami: unary({ input: z.object({}), output: z.object({ address: z.string(), authenticated: z.boolean() }) }),
});
const who = implement(Who, {
  whoami: (_i, ctx) => ({ address: ctx.peer.address, authenticated: ctx.peer.authenticated === true }),
});

async function call(url: string, tls: GrpcTlsOptions | undefined): Promise<{ address: string; authenticated: boolean }> {
  const channel = await connect(url, {
    transports: [grpcTransport({ ...(tls ? { tls } : {}), connectTimeout: 3000, logger: quiet })],
  });
  cleanups.push(() => channel.close());
  return createClient(Who, channel).whoami({});
}

async function refused(p: Promise<unknown>): Promise<RpcError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(RpcError);
  return e as RpcError;
}

describe('TLS (grpcs://)', () => {
  it('serves a client that trusts the server certificate’s CA', async () => {
    const { url } = await serveGrpc({ tls: { cert: certs.serverCert, key: certs.serverKey } }, who, 'grpcs');
    expect(url).toMatch(/^grpcs:\/\/127\.0\.0\.1:\d+/);
    expect(await call(url, { ca: certs.ca })).toMatchObject({ authenticated: false });
  });

  it('is refused by a client that trusts another CA, with UNAVAILABLE and the reason', async () => {
    const { url } = await serveGrpc({ tls: { cert: certs.serverCert, key: certs.serverKey } }, who, 'grpcs');
    const e = await refused(call(url, { ca: certs.otherCa }));
    expect(e.code).toBe('UNAVAILABLE');
    expect(e.message).toMatch(/cannot connect to grpcs:/);
  });

  it('is not reachable in plain text, nor a plain server over TLS', async () => {
    const tlsServer = await serveGrpc({ tls: { cert: certs.serverCert, key: certs.serverKey } }, who, 'grpcs');
    expect((await refused(call(tlsServer.url.replace('grpcs:', 'grpc:'), undefined))).code).toBe('UNAVAILABLE');
    const plain = await serveGrpc({}, who);
    expect((await refused(call(plain.url.replace('grpc:', 'grpcs:'), { ca: certs.ca }))).code).toBe('UNAVAILABLE');
  });

  it('checks the name the server certificate carries', async () => {
    const { url } = await serveGrpc({ tls: { cert: certs.serverCert, key: certs.serverKey } }, who, 'grpcs');
    expect((await call(url, { ca: certs.ca, serverName: 'localhost' })).address).toMatch(/127\.0\.0\.1/);
    expect((await refused(call(url, { ca: certs.ca, serverName: 'somebody-else.example' }))).code).toBe('UNAVAILABLE');
  });

  it('needs a certificate and key to listen', async () => {
    await expect(serveGrpc({}, who, 'grpcs')).rejects.toThrow(/grpcs:\/\/ server needs tls.cert and tls.key/);
  });
});

describe('mutual TLS', () => {
  const server = () =>
    serveGrpc({ tls: { cert: certs.serverCert, key: certs.serverKey, ca: certs.ca, requireClientCert: true } }, who, 'grpcs');

  it('serves a client with a certificate from the trusted CA, which the handler sees as authenticated', async () => {
    const { url } = await server();
    expect(await call(url, { ca: certs.ca, cert: certs.clientCert, key: certs.clientKey })).toMatchObject({
      authenticated: true,
    });
  });

  it('refuses a client without a certificate, and one whose certificate another CA signed', async () => {
    const { url } = await server();
    expect((await refused(call(url, { ca: certs.ca }))).code).toBe('UNAVAILABLE');
    expect((await refused(call(url, { ca: certs.ca, cert: certs.otherCert, key: certs.otherKey }))).code).toBe('UNAVAILABLE');
    // and keeps serving the right one
    expect(await call(url, { ca: certs.ca, cert: certs.clientCert, key: certs.clientKey })).toMatchObject({
      authenticated: true,
    });
  });

  it('needs the CA of client certificates', async () => {
    await expect(
      serveGrpc({ tls: { cert: certs.serverCert, key: certs.serverKey, requireClientCert: true } }, who, 'grpcs'),
    ).rejects.toThrow(/needs tls.ca/);
  });
});
