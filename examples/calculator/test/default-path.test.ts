/**
 * Alice's default socket lives in a folder only its user can enter (issue #20, finding 12:
 * a fixed name in /tmp let another user's server answer first).
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { privateDir } from '../src/transports.js';

const dist = new URL('../dist/', import.meta.url).pathname;
const base = mkdtempSync(join(tmpdir(), 'io-default-'));

describe("Alice's default address", () => {
  it('is a socket in $XDG_RUNTIME_DIR/interoffice, a folder Alice makes 0700; Bob finds her there', async () => {
    const env = { ...process.env, XDG_RUNTIME_DIR: base };
    const alice = spawn(process.execPath, [join(dist, 'alice.js')], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        alice.once('exit', (code) => reject(new Error(`Alice exited with ${code}`)));
        alice.stdout.setEncoding('utf8').on('data', (t: string) => {
          const m = /listening on (unix:\S+)/.exec(t);
          if (m) resolve(m[1] as string);
        });
      });
      expect(url).toBe(`unix://${base}/interoffice/calculator.sock`);
      expect(statSync(join(base, 'interoffice')).mode & 0o777).toBe(0o700);
      const { stdout } = await promisify(execFile)(process.execPath, [join(dist, 'bob.js')], { env });
      expect(stdout).toContain('add(2, 5) → 7');
    } finally {
      alice.kill('SIGKILL');
    }
  });
});

describe('privateDir', () => {
  const other = `io-def-${process.pid}`;
  beforeAll(() => execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', other]));
  afterAll(() => execFileSync('userdel', [other]));

  it('refuses a folder another user made first, or one others can enter; makes a missing one 0700', async () => {
    const theirs = join(base, 'theirs');
    mkdirSync(theirs, { mode: 0o700 });
    chownSync(theirs, Number(execFileSync('id', ['-u', other], { encoding: 'utf8' })), 0);
    await expect(privateDir(theirs)).rejects.toThrow(
      /is a folder of uid \d+ with mode 700: Alice's socket belongs in a folder only you can enter/,
    );
    const open = join(base, 'open');
    mkdirSync(open, { mode: 0o755 });
    await expect(privateDir(open)).rejects.toThrow(/mode 755/);
    const fresh = join(base, 'fresh', 'interoffice');
    await privateDir(fresh);
    expect(statSync(fresh).mode & 0o777).toBe(0o700);
  });
});
