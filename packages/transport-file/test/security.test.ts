/**
 * Issue #20, finding 3: a server trusted a folder another user created.
 * With a real second local user (created here, removed after), who pre-creates
 * the endpoint's folder, or — as a member of a folder's group — plants a
 * link or a temporary file in it.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createClient, serve } from '@interoffice/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileTransport } from '../src/index.js';
import { Calculator, calculator } from './helpers.js';
import { until } from '../../core/test/shared/until.js';

const root = process.geteuid?.() === 0;
const USER = 'io-file-intruder';
let uid = -1;
let gid = -1;

beforeAll(() => {
  if (!root) return;
  spawnSync('userdel', [USER]); // a leftover of an interrupted run
  execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', USER]);
  uid = Number(execFileSync('id', ['-u', USER], { encoding: 'utf8' }));
  gid = Number(execFileSync('id', ['-g', USER], { encoding: 'utf8' }));
});

afterAll(() => {
  if (root) execFileSync('userdel', [USER]);
});

/** Run a command as the second user; it must succeed. */
function asIntruder(command: string, ...args: string[]): void {
  const r = spawnSync(command, args, { uid, gid });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} as ${USER}: ${String(r.stderr)}`);
}

/** A fresh base folder the second user may create things in. */
function base(): string {
  const dir = mkdtempSync(join(tmpdir(), 'io-file-sec-'));
  chmodSync(dir, 0o1777); // like /tmp: anyone may create, only owners may remove
  return dir;
}

const quiet = { warn() {}, error() {} };

const listen = (dir: string) =>
  serve(calculator(), { listen: [`file://${join(dir, 'shared.json')}`], transports: [fileTransport()], logger: quiet });

describe.skipIf(!root)('a shared file in a folder others control (needs root, to create a second user)', () => {
  it('a folder another user created is refused by servers and clients alike', async () => {
    const dir = join(base(), 'calc');
    asIntruder('mkdir', '-m', '0755', dir);
    await expect(listen(dir)).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
      message: expect.stringMatching(`belongs to uid ${uid}`),
    });
    await expect(connect(`file://${join(dir, 'shared.json')}`, { transports: [fileTransport()] })).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
    });
    expect(readdirSync(dir)).toEqual([]); // nothing was written there
  });

  it('a folder anyone may write in is refused, even our own', async () => {
    const dir = join(base(), 'calc');
    mkdirSync(dir);
    chmodSync(dir, 0o777);
    await expect(listen(dir)).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
      message: expect.stringMatching(/has mode 0777/),
    });
  });

  it('a link planted at shared.json by a member of the folder’s group is never followed', async () => {
    const dir = join(base(), 'calc');
    mkdirSync(dir);
    chownSync(dir, 0, gid);
    chmodSync(dir, 0o770); // shared with the intruder's group: allowed
    const secret = join(mkdtempSync(join(tmpdir(), 'io-file-secret-')), 'secret.json');
    writeFileSync(secret, '{"commands":{},"token":"SECRET"}', { mode: 0o600 });
    asIntruder('ln', '-s', secret, join(dir, 'shared.json'));
    await expect(listen(dir)).rejects.toThrow(/ELOOP/);
    expect(readFileSync(secret, 'utf8')).toBe('{"commands":{},"token":"SECRET"}');
    for (const f of readdirSync(dir)) {
      if (f !== 'shared.json') expect(readFileSync(join(dir, f), 'utf8')).not.toContain('SECRET');
    }
  });

  it('a temporary file planted by a member of the group is replaced, never written into', async () => {
    const dir = join(base(), 'calc');
    mkdirSync(dir);
    chownSync(dir, 0, gid);
    chmodSync(dir, 0o770);
    asIntruder('touch', join(dir, 'shared.json.tmp'));
    asIntruder('chmod', '0666', join(dir, 'shared.json.tmp'));
    // The intruder keeps the planted file open, to read whatever is written into it.
    const reader = spawn('sh', ['-c', 'exec 3<"$1"; echo open; read _; cat <&3', 'sh', join(dir, 'shared.json.tmp')], {
      uid,
      gid,
    });
    let seen = '';
    reader.stdout.on('data', (chunk: Buffer) => void (seen += String(chunk)));
    await until(() => seen === 'open\n');
    const server = await listen(dir); // its first cycle writes the file
    const first = statSync(join(dir, 'shared.json'));
    expect([first.uid, first.mode & 0o777]).toEqual([0, 0o600]);
    const channel = await connect(`file://${join(dir, 'shared.json')}`, { transports: [fileTransport()] });
    expect(await createClient(Calculator, channel).add({ a: 2, b: 5 }, { meta: { authorization: 'root-token' } })).toBe(7);
    const file = statSync(join(dir, 'shared.json'));
    expect([file.uid, file.mode & 0o777]).toEqual([0, 0o600]); // ours, and private: not the intruder's file
    const exited = new Promise((r) => reader.on('exit', r));
    reader.stdin.end('\n');
    await exited;
    expect(seen).toBe('open\n'); // nothing we wrote reached the intruder's file
    await channel.close();
    await server.close();
  });
});
