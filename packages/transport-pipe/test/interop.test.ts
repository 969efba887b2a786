/**
 * Interop with Python peers written with the standard library only
 * (examples/python): a Python stdio server spawned and called from
 * TypeScript, a TypeScript stdio server spawned and called from Python, and
 * a Python client on a TypeScript FIFO server.
 */
import { execFile } from 'node:child_process';
import { chmodSync, readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { connect, createClient, rawCall, serve, type Channel } from '@interoffice/core';
import { afterEach, describe, expect, it } from 'vitest';
import { pipeTransport } from '../src/index.js';
import { AliceBroke, calculator, Calculator, fixture, freshPath, memoryLogger, quiet } from './helpers.js';

const run = promisify(execFile);
// Debian's interpreter, not whatever python3 is first on PATH.
const python = '/usr/bin/python3';
const example = (name: string): string => new URL(`../../../examples/python/${name}`, import.meta.url).pathname;
const expected = ['add(2, 5) = 7', 'multiply(8, 5) = 40', 'divide(1, 0) failed: INVALID_ARGUMENT AliceBroke: division by zero'];

const channels: Channel[] = [];
afterEach(async () => {
  for (const c of channels.splice(0)) await c.close();
});

describe('examples/python/stdio_server.py, spawned by a TypeScript client', () => {
  it('answers typed calls; its errors arrive as the service declares them', async () => {
    let stderr = '';
    const transports = [pipeTransport({ command: [python, example('stdio_server.py')], stderr: (t) => (stderr += t) })];
    const channel = await connect('stdio:', { transports });
    channels.push(channel);
    const calc = createClient(Calculator, channel);
    expect(await calc.add({ a: 2, b: 5 })).toBe(7);
    expect(await rawCall(channel, 'multiply', [8, 5])).toBe(40);
    const broke = await calc.divide({ a: 1, b: 0 }).catch((e: unknown) => e);
    expect(broke).toBeInstanceOf(AliceBroke);
    expect(broke).toMatchObject({ code: 'INVALID_ARGUMENT', message: 'division by zero' });
    await expect(rawCall(channel, 'add', ['bad', 'data'])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(rawCall(channel, 'subtract', [1, 2])).rejects.toMatchObject({ code: 'UNIMPLEMENTED' });
    const sums = await Promise.all(Array.from({ length: 200 }, (_, i) => calc.add({ a: i, b: i })));
    expect(sums).toEqual(Array.from({ length: 200 }, (_, i) => 2 * i));
    expect(stderr).toMatch(/serving the Calculator on stdin\/stdout/);
  });

  it('reports lines on its stdout that are not frames, and keeps calling', async () => {
    const log = memoryLogger();
    const noisy = ['sh', '-c', `echo 'starting up...'; exec ${python} ${example('stdio_server.py')}`];
    const channel = await connect('stdio:', { transports: [pipeTransport({ command: noisy, stderr: 'ignore', logger: log })] });
    channels.push(channel);
    expect(await createClient(Calculator, channel).add({ a: 1, b: 2 })).toBe(3);
    expect(log.warnings.join('\n')).toMatch(/wrote a line on stdout that is not a frame.*starting up\.\.\./);
  });
});

describe('examples/python/stdio_client.py, spawning a TypeScript stdio server', () => {
  it('calls add, multiply and divide, and the server exits when it closes stdin', async () => {
    const { stdout, stderr } = await run(python, [
      example('stdio_client.py'),
      process.execPath,
      fixture('calc-server.mjs'),
      'stdio:',
    ]);
    expect(stdout.split('\n')).toEqual([...expected, 'the server exited with code 0', '']);
    expect(stderr).toMatch(/ready stdio:/); // the TypeScript server's own log line, on stderr
  });

  it('also runs against the Python server (the same wire both ways)', async () => {
    const { stdout } = await run(python, [example('stdio_client.py'), python, example('stdio_server.py')]);
    expect(stdout.split('\n')).toEqual([...expected, 'the server exited with code 0', '']);
  });
});

describe('examples/python/fifo_client.py, on a TypeScript FIFO server', () => {
  it('opens a connection through the requests FIFO and calls over its own pair', async () => {
    const dir = freshPath('py');
    const server = await serve(calculator(), { listen: [`fifo://${dir}`], transports: [pipeTransport()], logger: quiet });
    try {
      const { stdout } = await run(python, [example('fifo_client.py'), dir]);
      expect(stdout.split('\n')).toEqual([...expected, '']);
      expect(readdirSync(dir)).toEqual(['requests']); // the client removed its pair
    } finally {
      await server.close();
    }
  });

  it('refuses a folder others can write in, before writing anything there', async () => {
    const dir = freshPath('py-open');
    const server = await serve(calculator(), { listen: [`fifo://${dir}`], transports: [pipeTransport()], logger: quiet });
    try {
      chmodSync(dir, 0o733);
      const failed = await run(python, [example('fifo_client.py'), dir]).catch((e: { stderr: string }) => e);
      expect(failed).toMatchObject({
        stderr: expect.stringMatching(/PermissionError: .* is not a folder of this user \(or root\) closed to others/),
      });
      expect(readdirSync(dir)).toEqual(['requests']);
    } finally {
      chmodSync(dir, 0o700);
      await server.close();
    }
  });
});
