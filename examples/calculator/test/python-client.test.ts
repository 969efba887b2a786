import { execFile, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { serve } from '@interoffice/core';
import { socketTransport } from '@interoffice/transport-socket';
import { describe, expect, it } from 'vitest';
import { calculatorHandlers } from '../src/handlers.js';

const run = promisify(execFile);
const script = new URL('../../python/socket_client.py', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'io-py-'));

// Debian's interpreter, not whatever python3 is first on PATH (the examples need only its standard library).
const python = '/usr/bin/python3';

describe('examples/python/socket_client.py (standard library only)', () => {
  for (const key of [undefined, 'Do not let eve find us!']) {
    it(`calls add and multiply and sees the domain error${key ? ', with a shared key' : ''}`, async () => {
      const path = join(dir, key ? 'keyed.sock' : 'plain.sock');
      const server = await serve(calculatorHandlers(), {
        listen: [`unix://${path}`],
        transports: [socketTransport(key ? { authKey: key } : {})],
      });
      try {
        const { stdout } = await run(python, [script, path], { env: key ? { INTEROFFICE_AUTH_KEY: key } : {} });
        expect(stdout.split('\n')).toEqual([
          'add(2, 5) = 7',
          'multiply(8, 5) = 40',
          'divide(1, 0) failed: INVALID_ARGUMENT AliceBroke: division by zero',
          '',
        ]);
      } finally {
        await server.close();
      }
    });
  }

  it('streams with socket_streams.py: sum and runningTotal, with credit both ways', async () => {
    const path = join(dir, 'streams.sock');
    const server = await serve(calculatorHandlers(), { listen: [`unix://${path}`], transports: [socketTransport()] });
    try {
      const streams = new URL('../../python/socket_streams.py', import.meta.url).pathname;
      const { stdout } = await run(python, [streams, path]);
      expect(stdout.split('\n')).toEqual([
        'sum(1, 2, 3, 4) = 10',
        'runningTotal(1, 2, 3) = 1, 3, 6',
        'runningTotal(1..200) ends at 20100 after 200 items',
        '',
      ]);
    } finally {
      await server.close();
    }
  });

  it('refuses a socket another user owns, before connecting (issue #20, finding 12)', async () => {
    const user = `io-py-${process.pid}`;
    execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', user]);
    const id = (flag: string): number => Number(execFileSync('id', [flag, user], { encoding: 'utf8' }));
    const shared = mkdtempSync(join(tmpdir(), 'io-py-shared-'));
    chmodSync(shared, 0o1777);
    const path = join(shared, 'calc.sock');
    // Another user's server at the path: it would print what reached it.
    const theirs = spawn(
      process.execPath,
      [
        '-e',
        `require('net').createServer((s) => console.log('reached')).listen(${JSON.stringify(path)}, () => console.log('listening'))`,
      ],
      {
        uid: id('-u'),
        gid: id('-g'),
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let said = '';
    try {
      await new Promise((resolve, reject) => {
        theirs.once('exit', reject);
        theirs.stdout.setEncoding('utf8').on('data', (t: string) => (said += t).includes('listening') && resolve(undefined));
      });
      // A client without the check would wait for an answer: the timeout keeps the cleanup below reachable.
      await expect(run(python, [script, path], { timeout: 10_000 })).rejects.toMatchObject({
        stderr: expect.stringMatching(
          new RegExp(`PermissionError: .*calc.sock belongs to uid ${id('-u')}, not to this user or root`),
        ),
      });
    } finally {
      const gone = once(theirs, 'exit');
      theirs.kill('SIGKILL');
      await gone;
      execFileSync('userdel', [user]);
    }
    expect(said).toBe('listening\n'); // never reached
  });

  it('is refused with a wrong key', async () => {
    const path = join(dir, 'refuse.sock');
    const server = await serve(calculatorHandlers(), {
      listen: [`unix://${path}`],
      transports: [socketTransport({ authKey: 'right', logger: { warn: () => {}, error: () => {} } })],
    });
    try {
      // The server proves the key first: the client sees at once that its key differs.
      await expect(run(python, [script, path], { env: { INTEROFFICE_AUTH_KEY: 'wrong' } })).rejects.toMatchObject({
        stderr: expect.stringMatching(/PermissionError: the server does not know the key/),
      });
    } finally {
      await server.close();
    }
  });

  it('is told at once when the server asks for no key', async () => {
    const path = join(dir, 'keyless.sock');
    const server = await serve(calculatorHandlers(), { listen: [`unix://${path}`], transports: [socketTransport()] });
    try {
      // Without the hello's id the keyless server would say nothing and the client would wait forever.
      await expect(run(python, [script, path], { env: { INTEROFFICE_AUTH_KEY: 'any' }, timeout: 10_000 })).rejects.toMatchObject({
        stderr: expect.stringMatching(/PermissionError: the server asks for no key/),
      });
    } finally {
      await server.close();
    }
  });
});
