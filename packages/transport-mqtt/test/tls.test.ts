/** mqtts:// to a Mosquitto of the test's own with a certificate for 127.0.0.1 signed by a throwaway CA. */
import { connect, createClient, serve } from '@interoffice/core';
import { Calculator, calculator, makeCertificates } from '@interoffice/core/conformance';
import { afterEach, expect, it } from 'vitest';
import { mqttTransport } from '../src/index.js';
import { Mosquitto } from './mosquitto.js';
import { serviceUrl } from './helpers.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

it('calls over mqtts:// with the broker’s CA; without it the connection is refused UNAVAILABLE', async () => {
  const made = makeCertificates();
  const tls = { cert: made.serverCert.toString(), key: made.serverKey.toString(), ca: made.ca.toString() };
  const broker = await Mosquitto.start(undefined, tls);
  cleanups.push(() => broker.stop());
  const url = serviceUrl(broker.url);
  expect(url.startsWith('mqtts://')).toBe(true);
  const transports = [mqttTransport({ tls: { ca: tls.ca } })];
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
