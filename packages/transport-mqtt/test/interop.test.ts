/**
 * Python interop through plain MQTT 5 request/response (docs/transports/mqtt.md#wire-format),
 * with Debian's python3-paho-mqtt: a paho client calls a TS service, and a TS client calls a
 * paho worker.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { calculator } from '@interoffice/core/conformance';
import { serve } from '@interoffice/core';
import { afterEach, describe, expect, it } from 'vitest';
import { mqttTransport } from '../src/index.js';
import { python, pythonExample, serviceUrl } from './helpers.js';
import { checkPythonWorker } from '../../core/test/shared/python-worker.js';

const run = promisify(execFile);
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('examples/python/mqtt_bob.py (paho) calls a TS service', () => {
  it('calls add and multiply (positional, by name) and sees the domain error', async () => {
    const url = serviceUrl();
    const server = await serve(calculator(), { listen: [url], transports: [mqttTransport()] });
    cleanups.push(() => server.close());
    const { stdout } = await run(python, [pythonExample('mqtt_bob.py'), url], { timeout: 20_000 });
    expect(stdout.split('\n')).toEqual([
      'add(2, 5) = 7',
      'multiply(8, 5) = 40',
      'divide(1, 0) failed: INVALID_ARGUMENT AliceBroke: division by zero',
      '',
    ]);
  });
});

describe('examples/python/mqtt_alice.py (paho) serves a TS client', () => {
  it('answers calls, raises its own error as AliceBroke, refuses unknown methods, and shares calls with a TS worker', async () => {
    await checkPythonWorker({ script: 'mqtt_alice.py', url: serviceUrl(), client: [mqttTransport()], cleanups });
  });
});
