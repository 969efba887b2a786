/**
 * The broker transports' test of a Python worker from examples/python
 * serving a TS client (Redis, NATS, AMQP, MQTT): it answers, raises its own
 * error, refuses what it does not know, and then shares the calls with a TS
 * worker on the same queue, both answering some.
 */
import { spawn } from 'node:child_process';
import { connect, createClient, rawCall, serve, type Transport } from '@interoffice/core';
import { AliceBroke, Calculator, calculator } from '@interoffice/core/conformance';
import { expect } from 'vitest';
import { until } from './until.js';

/** Debian's interpreter, which has the brokers' Python clients (the python3 first on PATH may not). */
export const python = '/usr/bin/python3';

/** The path of a program in examples/python. */
export const pythonExample = (name: string): string => new URL(`../../../../examples/python/${name}`, import.meta.url).pathname;

export interface PythonWorkerCase {
  /** The worker's file name in examples/python. */
  readonly script: string;
  readonly url: string;
  /** The TS client's transports, and the TS worker's (the same when left out). */
  readonly client: Transport[];
  readonly worker?: Transport[];
  /** Run after the test, last first. */
  readonly cleanups: (() => unknown)[];
}

/** Calls in each round once the TS worker has joined, and rounds at most. */
const ROUND = 50;
const ROUNDS = 20;

export async function checkPythonWorker(c: PythonWorkerCase): Promise<void> {
  const py = spawn(python, [pythonExample(c.script), c.url], { stdio: ['ignore', 'pipe', 'inherit'] });
  c.cleanups.push(() => py.kill('SIGKILL'));
  let out = '';
  py.stdout.setEncoding('utf8').on('data', (t: string) => (out += t));
  await until(() => out.includes('ready'), 10_000, 'the Python worker ready');
  const channel = await connect(c.url, { transports: c.client });
  c.cleanups.push(() => channel.close());
  const calc = createClient(Calculator, channel);
  expect(await calc.add({ a: 2, b: 5 })).toBe(7);
  expect(await rawCall(channel, 'multiply', [8, 5])).toBe(40);
  const e = await calc.divide({ a: 1, b: 0 }).catch((err: unknown) => err);
  expect(e).toBeInstanceOf(AliceBroke);
  expect(e).toMatchObject({ code: 'INVALID_ARGUMENT', message: 'division by zero' });
  await expect(rawCall(channel, 'subtract', [1, 2])).rejects.toMatchObject({ code: 'UNIMPLEMENTED' });
  await expect(rawCall(channel, 'add', ['bad', 'data'])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });

  // A TS worker joins the same queue: each call is answered once, and both workers answer
  // some. One round may go to one worker alone (a worker that asked first can take a whole
  // batch), so rounds go on until both have answered, within a bound.
  const seen = { calls: 0, aborted: [] };
  const ts = await serve(calculator(seen), { listen: [c.url], transports: c.worker ?? c.client });
  c.cleanups.push(() => ts.close());
  let sent = 0;
  for (let round = 0; round < ROUNDS && (seen.calls === 0 || seen.calls === sent); round++) {
    const sums = await Promise.all(Array.from({ length: ROUND }, (_, i) => calc.add({ a: sent + i, b: 1 })));
    expect(sums).toEqual(Array.from({ length: ROUND }, (_, i) => sent + i + 1));
    sent += ROUND;
  }
  expect(seen.calls, 'the TS worker answered some').toBeGreaterThan(0);
  expect(seen.calls, 'the Python worker answered some').toBeLessThan(sent);
}
