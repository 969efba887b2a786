/**
 * Python interop through the documented message format (docs/transports/redis.md#wire-format),
 * with Debian's python3-redis: a Python client calls a TS service, and a TS client
 * calls a Python worker.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { serve } from '@interoffice/core';
import { afterEach, describe, expect, it } from 'vitest';
import { redisTransport } from '../src/index.js';
import { calculator, python, pythonExample, queueUrl } from './helpers.js';
import { checkPythonWorker } from '../../core/test/shared/python-worker.js';

const run = promisify(execFile);
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('examples/python/redis_client.py calls a TS service', () => {
  it('calls add and multiply (positional, by name) and sees the domain error', async () => {
    const url = queueUrl();
    const server = await serve(calculator(), { listen: [url], transports: [redisTransport()] });
    cleanups.push(() => server.close());
    const { stdout } = await run(python, [pythonExample('redis_client.py'), url], { timeout: 20_000 });
    expect(stdout.split('\n')).toEqual([
      'add(2, 5) = 7',
      'multiply(8, 5) = 40',
      'divide(1, 0) failed: INVALID_ARGUMENT AliceBroke: division by zero',
      '',
    ]);
  });
});

describe('examples/python/redis_worker.py serves a TS client', () => {
  it('answers calls, raises its own error as AliceBroke, refuses unknown methods, and shares calls with a TS worker', async () => {
    await checkPythonWorker({
      script: 'redis_worker.py',
      url: queueUrl(),
      client: [redisTransport({ whenNoWorkers: 'fail' })], // it registers as alive
      worker: [redisTransport()],
      cleanups,
    });
  });
});
