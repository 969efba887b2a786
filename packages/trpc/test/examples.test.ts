/** examples/trpc, run as its README says: Alice, Bob, the Python peer and the HTTP gateway, each its own process. */
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { example, run } from './fixtures/processes.js';
import { later, socketPath } from './fixtures/world.js';

describe('examples/trpc', () => {
  it('Alice serves her router, Bob calls it with a stock tRPC client', async () => {
    const alice = await example('alice.mjs', [`unix://${socketPath()}`]);
    const bob = await run('bob.mjs', [alice.url]);
    expect(bob.stderr).toBe('');
    expect(bob.stdout).toBe(
      [
        'hello Bob, from unix (you are bob)',
        "{ id: 1, title: 'Howdy' }",
        'BAD_REQUEST: INVALID_ARGUMENT',
        'NOT_FOUND: NOT_FOUND',
        'event 1: 1',
        'event 2: 2',
        'event 3: 3',
        '',
      ].join('\n'),
    );
  }, 30_000);

  it('a Python peer calls the same router with the standard library', async () => {
    const path = socketPath();
    await example('alice.mjs', [`unix://${path}`]);
    const script = new URL('../../../examples/trpc/python_client.py', import.meta.url).pathname;
    const { stdout } = await promisify(execFile)('/usr/bin/python3', [script, path]);
    expect(stdout).toBe(
      [
        'hello Py, from unix',
        "{'id': 1, 'title': 'from Python'}",
        "('NOT_FOUND', 'NOT_FOUND', 'no post 99')",
        'started None None',
        'data 1 1',
        'data 2 2',
        'data 3 3',
        '',
      ].join('\n'),
    );
  }, 30_000);

  it('the gateway puts the Calculator behind tRPC over HTTP', async () => {
    const path = socketPath();
    const calculator = spawn(process.execPath, [
      new URL('../../../examples/calculator/dist/alice.js', import.meta.url).pathname,
      '--listen',
      `unix://${path}`,
    ]);
    later(() => calculator.kill('SIGKILL'));
    await new Promise((resolve) => calculator.stdout.once('data', resolve));
    const { url } = await example('gateway.mjs', ['--connect', `unix://${path}`, '--port', '0']);
    const input = (value: unknown): string => encodeURIComponent(JSON.stringify(value));
    expect(await (await fetch(`${url}/add?input=${input({ a: 2, b: 5 })}`)).json()).toEqual({ result: { data: 7 } });
    const divide = await fetch(`${url}/divide`, {
      method: 'POST',
      body: '{"a":1,"b":0}',
      headers: { 'content-type': 'application/json' },
    });
    expect(divide.status).toBe(400);
    expect(await divide.json()).toEqual({
      error: { message: 'division by zero', code: -32600, data: { code: 'BAD_REQUEST', httpStatus: 400, path: 'divide' } },
    });
    const sse = await (await fetch(`${url}/countdown?input=${input({ from: 2 })}`)).text();
    expect([...sse.matchAll(/^data: (\d+)$/gm)].map((m) => m[1])).toEqual(['2', '1', '0']);
  }, 30_000);
});
