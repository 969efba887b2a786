/**
 * stdio with real processes: a client spawns its server and talks over the
 * child's stdin and stdout; logs go to stderr; how the child ended reaches
 * the calls that were waiting on it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { connect, createClient, type Channel } from '@interoffice/core';
import { afterEach, describe, expect, it } from 'vitest';
import { pipeTransport, type PipeTransportOptions } from '../src/index.js';
import { AliceBroke, Calculator, Child, fixture, freshPath, memoryLogger } from './helpers.js';
import { until } from '../../core/test/shared/until.js';

const server = [process.execPath, fixture('calc-server.mjs'), 'stdio:'];
const channels: Channel[] = [];
afterEach(async () => {
  for (const c of channels.splice(0)) await c.close();
});

async function open(options: PipeTransportOptions, url = 'stdio:') {
  const log = memoryLogger();
  let stderr = '';
  const transports = [pipeTransport({ stderr: (t) => (stderr += t), logger: log, ...options })];
  const channel = await connect(url, { transports });
  channels.push(channel);
  return { calc: createClient(Calculator, channel), log, stderr: () => stderr };
}

describe('a stdio client', () => {
  it('spawns its server and calls it; the server logs to stderr, never into the protocol stream', async () => {
    const { calc, log, stderr } = await open({ command: server });
    expect(await calc.add({ a: 2, b: 5 })).toBe(7);
    await expect(calc.divide({ a: 1, b: 0 })).rejects.toBeInstanceOf(AliceBroke);
    // The handler console.logs; that text must reach stderr and leave the frames intact.
    expect(await calc.log({ text: 'a log line, not a frame' })).toBe('logged');
    expect(await calc.add({ a: 1, b: 1 })).toBe(2);
    expect(stderr()).toMatch(/ready stdio:/);
    expect(stderr()).toMatch(/a log line, not a frame/);
    expect(log.warnings).toEqual([]); // nothing stray arrived on stdout
  });

  it('takes the command from the URL: stdio:<program>?arg=…', async () => {
    const [node, script] = server as [string, string];
    const url = `stdio:${node}?arg=${encodeURIComponent(script)}&arg=stdio:`;
    const { calc } = await open({}, url);
    expect(await calc.multiply({ a: 8, b: 5 })).toBe(40);
  });

  it("reports the child's exit code to pending calls, at once, and starts a new child for the next call", async () => {
    const { calc } = await open({ command: server });
    const pending = [calc.wait({ ms: 20_000 }), calc.wait({ ms: 20_000 })];
    await calc.exit({ code: 3, afterMs: 50 });
    const started = Date.now();
    for (const p of pending) {
      await expect(p).rejects.toMatchObject({ code: 'UNAVAILABLE', message: /calc-server\.mjs stdio: exited with code 3/ });
    }
    expect(Date.now() - started).toBeLessThan(5000); // when the process exits, not at the calls' 20 s
    expect(await calc.add({ a: 20, b: 22 })).toBe(42); // a fresh server process
  });

  it('reports a child killed by a signal', async () => {
    const { calc } = await open({ command: server });
    const pending = calc.wait({ ms: 20_000 });
    await expect(calc.crash({})).rejects.toMatchObject({ code: 'UNAVAILABLE', message: /killed by SIGKILL/ });
    await expect(pending).rejects.toMatchObject({ code: 'UNAVAILABLE', message: /killed by SIGKILL/ });
  });

  it('fails the connect clearly when the command cannot start, exits at once, or never answers', async () => {
    await expect(open({ command: ['/nonexistent/alice'] })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: /cannot start \/nonexistent\/alice: no such program/,
    });
    await expect(open({ command: [process.execPath, '-e', 'process.exit(2)'] })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: /exited with code 2 before answering/,
    });
    const pidFile = freshPath('pid');
    const silent = `require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); setInterval(() => {}, 1000)`;
    // Long enough for Node to start (and write its pid) on a loaded machine.
    await expect(open({ command: [process.execPath, '-e', silent], connectTimeoutMs: 3000 })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: /did not answer within 3000 ms/,
    });
    const pid = Number(readFileSync(pidFile, 'utf8'));
    await until(() => !existsSync(`/proc/${pid}`), 5000, 'the silent child to be stopped, not left behind');
  });

  it('needs a command for a bare stdio: URL', async () => {
    await expect(open({})).rejects.toThrow(/needs a command to spawn/);
  });
});

describe('a stdio server', () => {
  it('answers on stdout, and exits when its client closes stdin', async () => {
    const child = new Child(server[0] as string, server.slice(1));
    child.process.stdin?.write('{"jsonrpc":"2.0","id":1,"method":"add","params":[2,5]}\n');
    await child.line(/"result":7/);
    child.process.stdin?.end();
    expect(await child.exited).toEqual({ code: 0, signal: null });
    expect(child.stdout).toBe('{"jsonrpc":"2.0","id":1,"result":7}\n'); // frames only: "ready" went to stderr
    expect(child.stderr).toMatch(/ready stdio:/);
  });

  it('refuses to listen on a URL that names a command', async () => {
    const { serve } = await import('@interoffice/core');
    const { calculator } = await import('./helpers.js');
    await expect(serve(calculator(), { listen: ['stdio:node'], transports: [pipeTransport()] })).rejects.toThrow(
      /listens on stdio: alone/,
    );
  });
});
