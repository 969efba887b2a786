/** mqtts:// to a Mosquitto of the test's own with a self-signed certificate for 127.0.0.1. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createClient, serve } from '@interoffice/core';
import { Calculator, calculator } from '@interoffice/core/conformance';
import { afterEach, expect, it } from 'vitest';
import { mqttTransport } from '../src/index.js';
import { Mosquitto } from './mosquitto.js';
import { serviceUrl } from './helpers.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function selfSigned(): { cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mqtt-tls-'));
  const [cert, key] = [join(dir, 'cert.pem'), join(dir, 'key.pem')];
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
  return { cert: readFileSync(cert, 'utf8'), key: readFileSync(key, 'utf8') };
}

it('calls over mqtts:// with the broker’s CA; without it the connection is refused UNAVAILABLE', async () => {
  const tls = selfSigned();
  const broker = await Mosquitto.start(undefined, tls);
  cleanups.push(() => broker.stop());
  const url = serviceUrl(broker.url);
  expect(url.startsWith('mqtts://')).toBe(true);
  const transports = [mqttTransport({ tls: { ca: tls.cert } })];
  const server = await serve(calculator(), { listen: [url], transports });
  cleanups.push(() => server.close());
  const channel = await connect(url, { transports });
  cleanups.push(() => channel.close());
  expect(await createClient(Calculator, channel).add({ a: 20, b: 22 })).toBe(42);
  await expect(connect(url, { transports: [mqttTransport({ connectTimeoutMs: 2000 })] })).rejects.toMatchObject({
    code: 'UNAVAILABLE',
    message: expect.stringMatching(/certificate/),
  });
});
