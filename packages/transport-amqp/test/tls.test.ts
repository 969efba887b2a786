/**
 * amqps: the shared broker has no TLS listener (adding one means restarting it
 * under everyone), so a TLS terminator in this process, with a certificate made
 * for the test, stands in front of its plain port — what the client checks (the
 * handshake, the CA, the name) is the same as against a broker's own listener.
 */
import { connect as tcpConnect, type AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:tls';
import { connect, createClient, serve } from '@interoffice/core';
import { makeCertificates } from '@interoffice/core/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amqpTransport } from '../src/index.js';
import { Jobs, amqpUrl, jobs } from './helpers.js';

let terminator: Server;
let port = 0;
let ca: Buffer;

beforeAll(async () => {
  const made = makeCertificates();
  ca = made.ca;
  const broker = new URL(amqpUrl);
  terminator = createServer({ key: made.serverKey, cert: made.serverCert }, (tls) => {
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
