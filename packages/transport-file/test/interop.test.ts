/**
 * The seed article's own "Files" programs, unmodified, with Debian's
 * /usr/bin/python3 and python3-filelock: their client against our server,
 * our client against their server, and the lock itself both ways.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync, unlinkSync } from 'node:fs';
import { promisify } from 'node:util';
import { connect, createClient, rawCall, RpcError, serve } from '@interoffice/core';
import { afterEach, describe, expect, it } from 'vitest';
import { fileTransport } from '../src/index.js';
import { LockFile } from '../src/lock.js';
import {
  calculator,
  Calculator,
  entries,
  place,
  python,
  pythonClient,
  pythonHoldsLock,
  pythonProcess,
  seedAlice,
  seedBob,
  sleep,
  until,
  type Seen,
} from './helpers.js';

const run = promisify(execFile);
const transports = [fileTransport()];
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function ourServer(url: string, seen: Seen = { calls: 0, aborted: [] }) {
  const server = await serve(calculator(seen), { listen: [url], transports, logger: { warn: () => {}, error: () => {} } });
  cleanups.push(() => server.close({ graceMs: 0 }));
  return seen;
}

describe("the seed's Bob (Python) against our server", () => {
  it('gets its sums, and the error for bad data as an exception', async () => {
    const { dir, url, path } = place();
    const seen = await ourServer(url);
    const bob = await run(python, ['-u', seedBob], { cwd: dir, timeout: 20_000 }).catch(
      (e: { stdout: string; stderr: string; code: number }) => e,
    );
    expect(bob.stdout.split('\n')).toEqual([
      'Lets add 2 and 5 7',
      'Lets multiply 8 and 5 10', // the seed asks multiply(2, 5) under that caption
      'Lets break it and cause an exception!',
      '',
    ]);
    expect(bob.stderr).toMatch(/Exception: invalid params for Calculator.add: a: .*expected number/);
    expect(bob.stderr).not.toMatch(/JSONDecodeError|Extra data/);
    expect(seen.calls).toBe(2); // the bad data never reached the handler
    // Bob's entries stay as he wrote them, with our answers added.
    const answered = Object.values(await entries(path));
    expect(answered.map((e) => [e.command, e.args, e.result ?? e.error])).toEqual([
      ['add', [2, 5], 7],
      ['multiply', [2, 5], 10],
      ['add', ['bad', 'data'], expect.stringMatching(/^invalid params/)],
    ]);
    expect(answered[2]).toMatchObject({ errorData: { code: 'INVALID_ARGUMENT' } });
  });

  it('runs several at once, in the folder our server created', async () => {
    const { dir, url } = place(false);
    const seen = await ourServer(url);
    const bobs = Array.from({ length: 3 }, () =>
      run(python, ['-u', seedBob], { cwd: dir, timeout: 30_000 }).catch((e: { stdout: string }) => e),
    );
    for (const bob of await Promise.all(bobs)) expect(bob.stdout).toContain('Lets add 2 and 5 7\nLets multiply 8 and 5 10\n');
    expect(seen.calls).toBe(6);
  });
});

describe('examples/python/file_client.py (filelock and the standard library)', () => {
  it('calls by short and qualified name, positional and named, sees the domain error, and leaves nothing behind', async () => {
    const { dir, path, url } = place();
    await ourServer(url);
    const { stdout } = await run(python, [pythonClient], { cwd: dir, timeout: 20_000 });
    expect(stdout.split('\n')).toEqual([
      'add(2, 5) = 7',
      'multiply(8, 5) = 40',
      'divide(1, 0) failed: INVALID_ARGUMENT AliceBroke: division by zero',
      '',
    ]);
    expect(await entries(path)).toEqual({});
  });
});

describe("our client against the seed's Alice (Python)", () => {
  it('calls by name, positional args, and gets her own error message', async () => {
    const { dir, path, url } = place();
    const alice = spawn(python, ['-u', seedAlice], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let said = '';
    alice.stdout.on('data', (d: Buffer) => (said += d.toString()));
    cleanups.push(() => alice.kill('SIGKILL'));
    await until(() => existsSync(path) && readFileSync(path, 'utf8').includes('commands'));
    const channel = await connect(url, { transports });
    cleanups.push(() => channel.close());
    const calc = createClient(Calculator, channel);
    expect(await calc.add({ a: 2, b: 5 })).toBe(7);
    expect(await calc.multiply({ a: 8, b: 5 })).toBe(40);
    const e = await rawCall(channel, 'add', ['bad', 'data']).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(RpcError);
    expect([(e as RpcError).code, (e as RpcError).message]).toEqual(['UNKNOWN', 'Yeah, we are only going to add numbers']);
    expect(said).toContain('running command add with args [2, 5]');
    expect(said).toContain('running command multiply with args [8, 5]');
    // Our answered entries do not pile up in her file.
    await channel.close();
    await until(async () => Object.keys(await entries(path)).length === 0);
    expect(alice.exitCode).toBeNull(); // she never choked on what we wrote
  });
});

describe('the lock, both ways', () => {
  it('our calls wait while Python holds filelock.FileLock, and go through once it lets go', async () => {
    const { path, url } = place();
    await ourServer(url);
    const calc = createClient(Calculator, await connect(url, { transports }));
    const holder = await pythonHoldsLock(`${path}.lock`);
    let answer: number | undefined;
    const call = calc.add({ a: 20, b: 22 }).then((v) => (answer = v));
    await sleep(300); // not a condition: nothing may happen while Python holds the lock; shorter only weakens this
    expect(answer).toBeUndefined();
    holder.kill('SIGTERM');
    await call;
    expect(answer).toBe(42);
  });

  it('Python waits while we hold it', async () => {
    const { path } = place();
    const lock = new LockFile(`${path}.lock`);
    cleanups.push(() => lock.close());
    expect(lock.tryLock()).toBe(true);
    const tries =
      'import sys, filelock\ntry:\n    with filelock.FileLock(sys.argv[1], timeout=float(sys.argv[2])):\n        print("got")\nexcept filelock.Timeout:\n    print("timeout")';
    const first = pythonProcess(tries, [`${path}.lock`, '0.3']);
    await new Promise((r) => first.once('exit', r));
    expect(first.output().trim()).toBe('timeout');
    lock.unlock();
    const second = pythonProcess(tries, [`${path}.lock`, '5']);
    await new Promise((r) => second.once('exit', r));
    expect(second.output().trim()).toBe('got');
  });

  it('is taken on the lock file that is there now, when someone removed the one we had open', async () => {
    const { path } = place();
    const lock = new LockFile(`${path}.lock`);
    cleanups.push(() => lock.close());
    expect(lock.tryLock()).toBe(true);
    lock.unlock();
    unlinkSync(`${path}.lock`); // as the seed's Alice does when she exits
    const holder = await pythonHoldsLock(`${path}.lock`); // a new lock file, held by Python
    cleanups.push(() => holder.kill('SIGKILL'));
    expect(lock.tryLock()).toBe(false); // our old descriptor's lock would exclude nobody
    holder.kill('SIGKILL');
    await until(() => lock.tryLock());
  });
});
