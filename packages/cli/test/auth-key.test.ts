/**
 * The CLI's shared key for socket URLs (issue #20, finding 13): from a file or the
 * environment, since a command line is readable by every user (`ps`); and whom it
 * trusts to own a unix socket (finding 12).
 */
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, fixtures, killChildren, start, tmp } from './helpers.js';

const KEY = 'a key nobody else should see';
const dir = tmp();
let url: string;
beforeAll(async () => {
  const s = await start([join(fixtures, 'server.mjs'), `unix://${join(dir, 'keyed.sock')}`], /listening on (\S+)/, 1, 'stdout', {
    env: { FIXTURE_AUTH_KEY: KEY },
  });
  url = s.found[0] as string;
}, 30_000);
afterAll(killChildren);

describe('the shared key for socket URLs', () => {
  it('comes from INTEROFFICE_AUTH_KEY, without a warning', async () => {
    expect(await cli(['call', url, 'add', '[2, 5]'], { env: { INTEROFFICE_AUTH_KEY: KEY } })).toEqual({
      status: 0,
      stdout: '7\n',
      stderr: '',
    });
  });

  it('comes from --auth-key-file, less its trailing newline', async () => {
    const file = join(dir, 'key');
    writeFileSync(file, `${KEY}\n`, { mode: 0o600 });
    expect(await cli(['call', url, 'add', '[2, 5]', '--auth-key-file', file])).toEqual({ status: 0, stdout: '7\n', stderr: '' });
    const missing = await cli(['call', url, 'add', '[2, 5]', '--auth-key-file', join(dir, 'nope')]);
    expect([missing.status, missing.stderr]).toEqual([2, expect.stringMatching(/^usage: --auth-key-file .*nope: ENOENT/)]);
  });

  it('still comes from --auth-key, with a warning on stderr', async () => {
    const r = await cli(['call', url, 'add', '[2, 5]', '--auth-key', KEY]);
    expect(r).toMatchObject({ status: 0, stdout: '7\n' });
    expect(r.stderr).toMatch(
      /^warning: --auth-key puts the key where every user of this machine can read it \(ps\); use INTEROFFICE_AUTH_KEY or --auth-key-file\n$/,
    );
  });

  it('is needed: without one the server refuses (UNAUTHENTICATED, 64 + 16)', async () => {
    const r = await cli(['call', url, 'add', '[2, 5]'], { env: { INTEROFFICE_AUTH_KEY: '' } });
    expect([r.status, r.stderr]).toEqual([
      80,
      expect.stringMatching(/^UNAUTHENTICATED: .*the server requires a shared key \(authKey\)\n$/),
    ]);
  });

  it('is explained in --help', async () => {
    const { stdout } = await cli(['call', '--help']);
    expect(stdout).toMatch(
      /--auth-key-file <file>.*\n.*INTEROFFICE_AUTH_KEY.*\n.*shows the key to every user of the machine \(ps\)/,
    );
  });
});

describe('--expect-owner', () => {
  const user = `io-cli-${process.pid}`;
  let uid: number;
  beforeAll(() => {
    execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', user]);
    uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }));
  });
  afterAll(() => execFileSync('userdel', [user]));

  it("names whom to trust when the socket is another user's: refused by default", async () => {
    const shared = tmp();
    chmodSync(shared, 0o1777);
    const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }));
    const theirs = await start(
      [join(fixtures, 'server.mjs'), `unix://${join(shared, 'calc.sock')}`],
      /listening on (\S+)/,
      1,
      'stdout',
      { uid, gid },
    );
    const at = theirs.found[0] as string;
    try {
      const refused = await cli(['call', at, 'add', '[2, 5]']);
      expect([refused.status, refused.stderr]).toEqual([
        80,
        expect.stringMatching(new RegExp(`^UNAUTHENTICATED: .*belongs to uid ${uid}, not to this user`)),
      ]);
      expect(await cli(['call', at, 'add', '[2, 5]', '--expect-owner', String(uid)])).toMatchObject({ status: 0, stdout: '7\n' });
      expect(await cli(['call', at, 'add', '[2, 5]', '--expect-owner', 'any'])).toMatchObject({ status: 0, stdout: '7\n' });
      expect(await cli(['call', at, 'add', '[2, 5]', '--expect-owner', 'bob'])).toMatchObject({ status: 2 });
    } finally {
      // userdel refuses while a process of the user's runs.
      const gone = once(theirs.child, 'exit');
      theirs.child.kill('SIGKILL');
      await gone;
    }
  });
});
