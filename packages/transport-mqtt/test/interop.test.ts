/**
 * Python interop through plain MQTT 5 request/response (docs/transports/mqtt.md#wire-format),
 * with Debian's python3-paho-mqtt: a paho client calls a TS service, and a TS client calls a
 * paho worker.
 */
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { AliceBroke, Calculator, calculator } from '@interoffice/core/conformance';
import { connect, createClient, rawCall, serve } from '@interoffice/core';
import { afterEach, describe, expect, it } from 'vitest';
import { mqttTransport } from '../src/index.js';
import { python, pythonExample, serviceUrl, until } from './helpers.js';

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
  it('answers calls, raises its own error as AliceBroke, refuses unknown methods, and competes with a TS worker', async () => {
    const url = serviceUrl();
    const worker = spawn(python, [pythonExample('mqtt_alice.py'), url], { stdio: ['ignore', 'pipe', 'inherit'] });
    cleanups.push(() => worker.kill('SIGKILL'));
    let out = '';
    worker.stdout.setEncoding('utf8').on('data', (t: string) => (out += t));
    await until(() => out.includes('ready'), 10_000, 'the Python worker ready');
    const channel = await connect(url, { transports: [mqttTransport()] });
    cleanups.push(() => channel.close());
    const calc = createClient(Calculator, channel);
    expect(await calc.add({ a: 2, b: 5 })).toBe(7);
    expect(await rawCall(channel, 'multiply', [8, 5])).toBe(40);
    const e = await calc.divide({ a: 1, b: 0 }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(AliceBroke);
    expect(e).toMatchObject({ code: 'INVALID_ARGUMENT', message: 'division by zero' });
    await expect(rawCall(channel, 'subtract', [1, 2])).rejects.toMatchObject({ code: 'UNIMPLEMENTED' });
    // A TS worker joins the same shared subscription: the two share the calls, each answered once.
    const ts = await serve(calculator(), { listen: [url], transports: [mqttTransport()] });
    cleanups.push(() => ts.close());
    const sums = await Promise.all(Array.from({ length: 200 }, (_, i) => calc.add({ a: i, b: 1 })));
    expect(sums).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  });
});
