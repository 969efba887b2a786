/**
 * Python interop in the style of RabbitMQ's RPC tutorial (docs/transports/amqp.md#wire-format),
 * with Debian's python3-pika: a stock pika client calls a TS service, and a TS client
 * calls a stock pika server.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { serve } from '@interoffice/core';
import { afterEach, describe, expect, it } from 'vitest';
import { amqpTransport } from '../src/index.js';
import { calculator, python, pythonExample, queueUrl } from './helpers.js';
import { checkPythonWorker } from '../../core/test/shared/python-worker.js';

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
  it('answers calls, raises its own error as AliceBroke, refuses unknown methods, and shares calls with a TS worker', async () => {
    await checkPythonWorker({ script: 'amqp_alice.py', url: queueUrl(), client: [amqpTransport()], cleanups });
  });
});
