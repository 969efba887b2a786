/**
 * Python interop through the documented wire format (docs/transports/nats.md#wire-format),
 * standard library only: a Python client calls a TS service with plain NATS requests, and
 * a TS client calls a Python worker that competes with a TS worker in the queue group.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { serve } from '@interoffice/core';
import { afterEach, describe, expect, it } from 'vitest';
import { natsTransport } from '../src/index.js';
import { calculator, python, pythonExample, subjectUrl } from './helpers.js';
import { checkPythonWorker } from '../../core/test/shared/python-worker.js';

const run = promisify(execFile);
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('examples/python/nats_bob.py calls a TS service', () => {
  it('calls add and multiply (positional, by name) and sees the domain error', async () => {
    const url = subjectUrl();
    const server = await serve(calculator(), { listen: [url], transports: [natsTransport()] });
    cleanups.push(() => server.close());
    const { stdout } = await run(python, [pythonExample('nats_bob.py'), url], { timeout: 20_000 });
    expect(stdout.split('\n')).toEqual([
      'add(2, 5) = 7',
      'multiply(8, 5) = 40',
      'divide(1, 0) failed: INVALID_ARGUMENT AliceBroke: division by zero',
      '',
    ]);
  });

  it('gets UNAVAILABLE when no worker serves the subject (NATS says no responders)', async () => {
    const e = await run(python, [pythonExample('nats_bob.py'), subjectUrl()], { timeout: 20_000 }).catch((err: unknown) => err);
    expect(String((e as { stderr?: string }).stderr)).toContain('UNAVAILABLE');
  });
});

describe('examples/python/nats_worker.py serves a TS client', () => {
  it('answers calls, raises its own error as AliceBroke, refuses unknown methods, and shares calls with a TS worker', async () => {
    await checkPythonWorker({ script: 'nats_worker.py', url: subjectUrl(), client: [natsTransport()], cleanups });
  });
});
