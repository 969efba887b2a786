/**
 * amqps: the shared broker has no TLS listener (adding one means restarting it
 * under everyone), so a TLS terminator in this process, with a certificate made
 * for the test, stands in front of its plain port — what the client checks (the
 * handshake, the CA, the name) is the same as against a broker's own listener.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect as tcpConnect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:tls';
import { connect, createClient, serve } from '@interoffice/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amqpTransport } from '../src/index.js';
import { Jobs, amqpUrl, jobs } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'io-amqps-'));
let terminator: Server;
let port = 0;
let ca: Buffer;

beforeAll(async () => {
  const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  ca = readFileSync(cert);
  const broker = new URL(amqpUrl);
  terminator = createServer({ key: readFileSync(key), cert: ca }, (tls) => {
    const plain = tcpConnect(Number(broker.port || 5672), broker.hostname);
    tls.pipe(plain).pipe(tls);
    const end = (): void => {
      tls.destroy();
      plain.destroy();
    };
    tls.on('error', end).on('close', end);
    plain.on('error', end).on('close', end);
  });
  await new Promise<void>((r) => terminator.listen(0, '127.0.0.1', r));
  port = (terminator.address() as AddressInfo).port;
});
afterAll(() => {
  terminator?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('amqps', () => {
  it('serves and calls over TLS with the CA given; without it the certificate is refused, UNAVAILABLE', async () => {
    const url = `amqps://127.0.0.1:${port}/io-tls-${process.pid}-${Date.now()}`;
    const transports = [amqpTransport({ tls: { ca } })];
    const server = await serve(jobs({ runs: [], aborted: [] }), { listen: [url], transports });
    try {
      const channel = await connect(url, { transports });
      expect(await createClient(Jobs, channel).add({ a: 20, b: 22 })).toBe(42);
      await channel.close();
      const e = await connect(url, { transports: [amqpTransport()] }).catch((err: unknown) => err);
      expect(e).toMatchObject({ code: 'UNAVAILABLE', message: expect.stringMatching(/certificate/i) });
    } finally {
      await server.close();
    }
  });
});
