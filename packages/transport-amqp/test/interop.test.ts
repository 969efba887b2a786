/**
 * Python interop in the style of RabbitMQ's RPC tutorial (docs/transports/amqp.md#wire-format),
 * with Debian's python3-pika: a stock pika client calls a TS service, and a TS client
 * calls a stock pika server.
 */
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { connect, createClient, rawCall, serve } from '@interoffice/core';
import { afterEach, describe, expect, it } from 'vitest';
import { amqpTransport } from '../src/index.js';
import { AliceBroke, Calculator, calculator, python, pythonExample, queueUrl, until } from './helpers.js';

const run = promisify(execFile);
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('examples/python/amqp_bob.py (pika, RPC tutorial style) calls a TS service', () => {
  it('calls add and multiply (positional, by name), sees the domain error, and reads a stream', async () => {
    const url = queueUrl();
    const server = await serve(calculator(), { listen: [url], transports: [amqpTransport()] });
    cleanups.push(() => server.close());
    const { stdout } = await run(python, [pythonExample('amqp_bob.py'), url], { timeout: 20_000 });
    expect(stdout.split('\n')).toEqual([
      'add(2, 5) = 7',
      'multiply(8, 5) = 40',
      'divide(1, 0) failed: INVALID_ARGUMENT AliceBroke: division by zero',
      'countdown(3) = [3, 2, 1, 0] = None',
      '',
    ]);
  });
});

describe('examples/python/amqp_alice.py (pika, RPC tutorial style) serves a TS client', () => {
  it('answers calls, raises its own error as AliceBroke, refuses unknown methods, and competes with a TS worker', async () => {
    const url = queueUrl();
    const alice = spawn(python, [pythonExample('amqp_alice.py'), url], { stdio: ['ignore', 'pipe', 'inherit'] });
    cleanups.push(() => alice.kill('SIGKILL'));
    let out = '';
    alice.stdout.setEncoding('utf8').on('data', (t: string) => (out += t));
    await until(() => out.includes('ready'), 10_000, 'the Python server ready');
    const transports = [amqpTransport()];
    const channel = await connect(url, { transports });
    cleanups.push(() => channel.close());
    const calc = createClient(Calculator, channel);
    expect(await calc.add({ a: 2, b: 5 })).toBe(7);
    expect(await rawCall(channel, 'multiply', [8, 5])).toBe(40);
    const e = await calc.divide({ a: 1, b: 0 }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(AliceBroke);
    expect(e).toMatchObject({ code: 'INVALID_ARGUMENT', message: 'division by zero' });
    await expect(rawCall(channel, 'subtract', [1, 2])).rejects.toMatchObject({ code: 'UNIMPLEMENTED' });
    await expect(rawCall(channel, 'add', ['bad', 'data'])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    // A TS worker joins the same queue: the two share the calls, each answered once.
    const seen = { calls: 0, aborted: [] };
    const ts = await serve(calculator(seen), { listen: [url], transports });
    cleanups.push(() => ts.close());
    const sums = await Promise.all(Array.from({ length: 200 }, (_, i) => calc.add({ a: i, b: 1 })));
    expect(sums).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(seen.calls).toBeGreaterThan(0);
    expect(seen.calls).toBeLessThan(200); // Alice answered some
  });
});
