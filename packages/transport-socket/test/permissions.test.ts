import { fork } from 'node:child_process';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { connect, createClient, serve } from '@interoffice/core';
import { describe, expect, it } from 'vitest';
import { socketTransport } from '../src/index.js';
import { calculator, Calculator, socketPath } from './helpers.js';

const transports = [socketTransport()];

describe('unix socket files', () => {
  it('are created 0600 and removed on close', async () => {
    const path = socketPath();
    const server = await serve(calculator(), { listen: [`unix://${path}`], transports });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    await server.close();
    expect(existsSync(path)).toBe(false);
  });

  it('replace a stale socket left by a crashed server', async () => {
    const path = socketPath();
    // A real server process, killed with SIGKILL: its socket file stays behind.
    const child = fork(new URL('./fixtures/calc-server.mjs', import.meta.url), [`unix://${path}`], { stdio: 'pipe' });
    await new Promise((r) => child.stdout?.once('data', r));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(statSync(path).isSocket()).toBe(true);
    const server = await serve(calculator(), { listen: [`unix://${path}`], transports });
    const calc = createClient(Calculator, await connect(`unix://${path}`, { transports }));
    expect(await calc.add({ a: 2, b: 5 })).toBe(7);
    await server.close();
  });

  it('never replace a live server or a file that is not a socket', async () => {
    const path = socketPath();
    const live = await serve(calculator(), { listen: [`unix://${path}`], transports });
    await expect(serve(calculator(), { listen: [`unix://${path}`], transports })).rejects.toThrow(/another server/);
    const calc = createClient(Calculator, await connect(`unix://${path}`, { transports }));
    expect(await calc.add({ a: 1, b: 1 })).toBe(2); // the live one still serves
    await live.close();
    const file = socketPath();
    writeFileSync(file, 'precious');
    await expect(serve(calculator(), { listen: [`unix://${file}`], transports })).rejects.toThrow(/not a socket/);
  });

  it('reject paths longer than a unix socket can hold', async () => {
    await expect(serve(calculator(), { listen: [`unix:///tmp/${'x'.repeat(120)}.sock`], transports })).rejects.toThrow(
      /limit is 107/,
    );
  });
});

describe('tcp', () => {
  it('binds the host in the URL (loopback here) and reports the real port', async () => {
    const server = await serve(calculator(), { listen: ['tcp://127.0.0.1:0'], transports });
    const url = server.urls[0] as URL;
    expect(url.hostname).toBe('127.0.0.1');
    expect(Number(url.port)).toBeGreaterThan(0);
    const calc = createClient(Calculator, await connect(url, { transports }));
    expect(await calc.add({ a: 2, b: 5 })).toBe(7);
    await server.close();
  });

  it('needs a port', async () => {
    await expect(serve(calculator(), { listen: ['tcp://127.0.0.1'], transports })).rejects.toThrow(/need a port/);
  });
});
