import { fork } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, lstatSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { connect, createClient, serve } from '@interoffice/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { socketTransport } from '../src/index.js';
import { calculator, Calculator, fixture, otherUser, socketPath } from './helpers.js';

const transports = [socketTransport()];

describe('unix socket files', () => {
  it('are created 0600 and removed on close', async () => {
    const path = socketPath();
    const server = await serve(calculator(), { listen: [`unix://${path}`], transports });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    await server.close();
    expect(existsSync(path)).toBe(false);
  });

  // Issue #20, finding 4: a chmod by path after bind follows a symlink swapped in meanwhile.
  it('never change the mode of a file that a symlink swapped in at the socket path points to', async () => {
    const path = socketPath();
    const target = `${path}.precious`;
    writeFileSync(target, 'root-owned in the review', { mode: 0o644 });
    const race = fixture('chmod-race.mjs', [path, target], { env: { UV_THREADPOOL_SIZE: '1' } });
    const [outcome] = await race.waitFor(/^(served|refused: .*)$/m).finally(() => race.child.kill('SIGKILL'));
    expect(race.output()).toMatch(/^swapped$/m);
    expect(statSync(target).mode & 0o777).toBe(0o644);
    // The server noticed the swap rather than serving behind someone else's path.
    expect(outcome).toMatch(/refused: .*was replaced/);
    // The socket itself, moved aside by the swap, was bound private: 0600 with no chmod.
    expect(lstatSync(`${path}.moved`).mode & 0o777).toBe(0o600);
  });

  it('are refused from a worker thread when the umask would let others in (a worker cannot change it)', async () => {
    const inWorker = async (path: string): Promise<unknown> => {
      const worker = new Worker(new URL('./fixtures/worker-serve.mjs', import.meta.url), { workerData: path });
      const [said] = (await once(worker, 'message')) as [unknown];
      await worker.terminate();
      return said;
    };
    const old = process.umask(0o022);
    try {
      expect(await inWorker(socketPath())).toMatch(
        /the socket file has mode 0755: the umask let others in, and a worker thread cannot change it/,
      );
      process.umask(0o077);
      expect(await inWorker(socketPath())).toBe('served 700');
    } finally {
      process.umask(old);
    }
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

// Issue #20, finding 12: a second user's server on a predictable path got a root caller's metadata.
describe('a client of a unix socket another local user owns', () => {
  let user: ReturnType<typeof otherUser>;
  beforeAll(() => void (user = otherUser()));
  afterAll(() => user.remove());

  it('refuses it by default without connecting, and trusts it when told its owner', async () => {
    const shared = mkdtempSync(join(tmpdir(), 'io-shared-'));
    chmodSync(shared, 0o1777); // a folder like /tmp, where anyone may create the predictable path first
    const path = join(shared, 'calc.sock');
    const impostor = fixture('impostor.mjs', [path], { uid: user.uid, gid: user.gid });
    try {
      await impostor.waitFor(/listening/);
      expect(statSync(path).uid).toBe(user.uid);
      await expect(connect(`unix://${path}`, { transports })).rejects.toMatchObject({
        code: 'UNAUTHENTICATED',
        message: expect.stringMatching(new RegExp(`belongs to uid ${user.uid}, not to this user \\(uid 0\\)`)),
      });
      // Told whom to expect, a client goes ahead; the impostor's count shows the refused one never connected.
      const told = await connect(`unix://${path}`, { transports: [socketTransport({ expectOwner: user.uid })] });
      expect(await createClient(Calculator, told).add({ a: 0, b: 0 })).toBe(1);
      await told.close();
      const anyone = await connect(`unix://${path}`, { transports: [socketTransport({ expectOwner: 'any' })] });
      expect(await createClient(Calculator, anyone).add({ a: 0, b: 0 })).toBe(2);
      await anyone.close();
    } finally {
      // userdel refuses while a process of the user's runs.
      const gone = once(impostor.child, 'exit');
      impostor.child.kill('SIGKILL');
      await gone;
    }
  });
});
