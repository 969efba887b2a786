/**
 * tls:// — the socket transport over TCP with TLS: the server's certificate checked by the
 * client, mutual TLS, the errors each mistake gets, a Python standard-library client, the
 * shared key on top, and the warning for a server that listens beyond loopback unprotected.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { connect, createClient, defineService, implement, type RpcError, serve, unary, type Server } from '@interoffice/core';
import { makeCertificates, waitFor } from '@interoffice/core/conformance';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { socketTransport, type SocketTransportOptions } from '../src/index.js';

const Who = defineService('Who', {
  add: unary({ input: z.object({ a: z.number(), b: z.number() }), output: z.number() }),
  peer: unary({ input: z.object({}), output: z.object({ transport: z.string(), authenticated: z.boolean() }) }),
});
const impl = implement(Who, {
  add: ({ a, b }) => a + b,
  peer: (_i, ctx) => ({ transport: ctx.peer.transport, authenticated: ctx.peer.authenticated === true }),
});

let certs: ReturnType<typeof makeCertificates>;
beforeAll(() => {
  certs = makeCertificates();
});

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function server(
  options: SocketTransportOptions,
  listen = 'tls://127.0.0.1:0',
  logger: { warn(m: string): void; error(m: string): void } = { warn() {}, error() {} },
): Promise<Server> {
  const s = await serve(impl, { listen: [listen], transports: [socketTransport({ logger, ...options })], logger });
  cleanups.push(() => s.close({ graceMs: 0 }));
  return s;
}

async function client(url: URL | string, options: SocketTransportOptions) {
  const channel = await connect(url, { transports: [socketTransport(options)] });
  cleanups.push(() => channel.close());
  return createClient(Who, channel);
}

const failure = (p: Promise<unknown>): Promise<RpcError> =>
  p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e as RpcError,
  );

describe('tls://', () => {
  it('serves with its certificate; a client that trusts the CA calls, and the server sees tls', async () => {
    const s = await server({ tls: { cert: certs.serverCert, key: certs.serverKey } });
    expect((s.urls[0] as URL).protocol).toBe('tls:');
    const c = await client(s.urls[0] as URL, { tls: { ca: certs.ca } });
    expect(await c.add({ a: 2, b: 5 })).toBe(7);
    expect(await c.peer({})).toEqual({ transport: 'tls', authenticated: false });
  });

  it('a client that does not trust the certificate refuses the server: UNAUTHENTICATED, naming why', async () => {
    const s = await server({ tls: { cert: certs.serverCert, key: certs.serverKey } });
    const untrusted = await failure(client(s.urls[0] as URL, {}));
    expect(untrusted.code).toBe('UNAUTHENTICATED');
    expect(untrusted.message).toMatch(/the server's certificate is not trusted \(UNABLE_TO_VERIFY_LEAF_SIGNATURE/);
    const otherCa = await failure(client(s.urls[0] as URL, { tls: { ca: certs.otherCa } }));
    expect(otherCa.code).toBe('UNAUTHENTICATED');
    // The certificate is for 127.0.0.1 and localhost: another name is refused.
    const port = (s.urls[0] as URL).port;
    const wrongName = await failure(client(`tls://127.0.0.1:${port}`, { tls: { ca: certs.ca, serverName: 'calc.example' } }));
    expect(wrongName.message).toMatch(/ERR_TLS_CERT_ALTNAME_INVALID/);
  });

  it("mutual TLS: a client with a certificate from the CA is in (and authenticated); without one, or with another CA's, it is not", async () => {
    const warnings: string[] = [];
    const logger = { warn: (m: string) => void warnings.push(m), error() {} };
    const s = await server(
      { tls: { cert: certs.serverCert, key: certs.serverKey, ca: certs.ca, requireClientCert: true } },
      undefined,
      logger,
    );
    const url = s.urls[0] as URL;
    const c = await client(url, { tls: { ca: certs.ca, cert: certs.clientCert, key: certs.clientKey } });
    expect(await c.peer({})).toEqual({ transport: 'tls', authenticated: true });
    for (const options of [{ ca: certs.ca }, { ca: certs.ca, cert: certs.otherCert, key: certs.otherKey }]) {
      // TLS 1.3 finishes the client's side first: the server's refusal ends the connection just after
      // (the client sees "alert certificate required", or only the close).
      const e = await failure(client(url, { tls: options }).then((x) => x.add({ a: 1, b: 1 })));
      expect(e.code).toBe('UNAVAILABLE');
      expect(e.message).toMatch(/lost: (.*alert certificate required|the connection closed)/);
    }
    // The server says whom it refused, and why; and it kept serving.
    await waitFor(() => warnings.length >= 2, { what: 'two refusals logged' });
    expect(warnings.join('\n')).toMatch(/refused 127\.0\.0\.1:\d+ on tls:.*CERTIFICATE/);
    expect(await c.add({ a: 40, b: 2 })).toBe(42);
  });

  it('a shared key works on top of TLS', async () => {
    const s = await server({ tls: { cert: certs.serverCert, key: certs.serverKey }, authKey: 'k'.repeat(32) });
    const c = await client(s.urls[0] as URL, { tls: { ca: certs.ca }, authKey: 'k'.repeat(32) });
    expect(await c.peer({})).toEqual({ transport: 'tls', authenticated: true });
    const wrong = await failure(client(s.urls[0] as URL, { tls: { ca: certs.ca }, authKey: 'x'.repeat(32) }));
    expect(wrong.code).toBe('UNAUTHENTICATED');
  });

  it('a tls:// server needs its certificate and key', async () => {
    await expect(server({})).rejects.toThrow(/a tls:\/\/ server needs tls\.cert and tls\.key/);
  });

  it('a Python standard-library client (ssl) calls it', async () => {
    const s = await server({ tls: { cert: certs.serverCert, key: certs.serverKey } });
    const ca = join(tmpdir(), `io-tls-ca-${process.pid}.crt`);
    writeFileSync(ca, certs.ca);
    const program = `import json, socket, ssl, sys
context = ssl.create_default_context(cafile=sys.argv[3])
with socket.create_connection((sys.argv[1], int(sys.argv[2]))) as raw:
    with context.wrap_socket(raw, server_hostname=sys.argv[1]) as s:
        s.sendall(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "add", "params": [2, 5]}).encode() + b"\\n")
        print(json.loads(s.makefile().readline())["result"])`;
    const url = s.urls[0] as URL;
    const { stdout } = await promisify(execFile)('/usr/bin/python3', ['-c', program, url.hostname, url.port, ca], {
      timeout: 20_000,
    });
    expect(stdout.trim()).toBe('7');
  });
});

describe('serving beyond loopback', () => {
  it('unencrypted and without a key: a warning says so; with a key, or on loopback, none', async () => {
    const warnings: string[] = [];
    const logger = { warn: (m: string) => void warnings.push(m), error() {} };
    await server({}, 'tcp://0.0.0.0:0', logger);
    expect(warnings.join('\n')).toMatch(/serving beyond this machine unencrypted and unauthenticated.*use tls:\/\//);
    warnings.length = 0;
    await server({ authKey: 'k'.repeat(32) }, 'tcp://0.0.0.0:0', logger);
    await server({}, 'tcp://127.0.0.1:0', logger);
    expect(warnings).toEqual([]);
  });
});
