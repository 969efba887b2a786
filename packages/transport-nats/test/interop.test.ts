/**
 * Python interop through the documented wire format (docs/transports/nats.md#wire-format),
 * standard library only: a Python client calls a TS service with plain NATS requests, and
 * a TS client calls a Python worker that competes with a TS worker in the queue group.
 */
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { connect, createClient, rawCall, serve } from '@interoffice/core';
import { afterEach, describe, expect, it } from 'vitest';
import { natsTransport } from '../src/index.js';
import { AliceBroke, Calculator, calculator, python, pythonExample, subjectUrl, until } from './helpers.js';

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
  it('answers calls, raises its own error as AliceBroke, refuses unknown methods, and competes with a TS worker', async () => {
    const url = subjectUrl();
    const worker = spawn(python, [pythonExample('nats_worker.py'), url], { stdio: ['ignore', 'pipe', 'inherit'] });
    cleanups.push(() => worker.kill('SIGKILL'));
    let out = '';
    worker.stdout.setEncoding('utf8').on('data', (t: string) => (out += t));
    await until(() => out.includes('ready'), 10_000, 'the Python worker ready');
    const channel = await connect(url, { transports: [natsTransport()] });
    cleanups.push(() => channel.close());
    const calc = createClient(Calculator, channel);
    expect(await calc.add({ a: 2, b: 5 })).toBe(7);
    expect(await rawCall(channel, 'multiply', [8, 5])).toBe(40);
    const e = await calc.divide({ a: 1, b: 0 }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(AliceBroke);
    expect(e).toMatchObject({ code: 'INVALID_ARGUMENT', message: 'division by zero' });
    await expect(rawCall(channel, 'subtract', [1, 2])).rejects.toMatchObject({ code: 'UNIMPLEMENTED' });
    await expect(rawCall(channel, 'add', ['bad', 'data'])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    // A TS worker joins the queue group: the two share the calls, each answered once.
    const ts = await serve(calculator(), { listen: [url], transports: [natsTransport()] });
    cleanups.push(() => ts.close());
    const sums = await Promise.all(Array.from({ length: 200 }, (_, i) => calc.add({ a: i, b: 1 })));
    expect(sums).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  });
});
