/**
 * The lock must be the one Python's filelock takes: proven both ways with a
 * real /usr/bin/python3 and Debian's python3-filelock.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tryFlock } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'io-flock-'));
const python = '/usr/bin/python3';

/** A Python process holding `filelock.FileLock(path)` until it is told to let go (stdin closes). */
function pythonHolds(path: string): Promise<{ release(): Promise<void> }> {
  const code = `
import sys, filelock
lock = filelock.FileLock(sys.argv[1])
with lock:
    print("held", flush=True)
    sys.stdin.read()
`;
  const child = spawn(python, ['-c', code, path], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.stdout.once('data', () =>
      resolve({
        release: () =>
          new Promise((r) => {
            child.once('exit', () => r());
            child.stdin.end();
          }),
      }),
    );
  });
}

/** Python tries to take the lock within `timeout` seconds; resolves with whether it got it. */
function pythonTries(path: string, timeout: number): Promise<boolean> {
  const code = `
import sys, filelock
try:
    with filelock.FileLock(sys.argv[1], timeout=float(sys.argv[2])):
        print("got")
except filelock.Timeout:
    print("timeout")
`;
  return new Promise((resolve, reject) => {
    const child = spawn(python, ['-c', code, path, String(timeout)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('exit', () => resolve(out.trim() === 'got'));
  });
}

describe('tryFlock', () => {
  it('is excluded while Python holds the lock, and gets it once Python lets go', async () => {
    const path = join(dir, 'a.lock');
    const held = await pythonHolds(path);
    const fd = openSync(path, 'r+');
    try {
      expect(tryFlock(fd, 'exclusive')).toBe(false);
      await held.release();
      expect(tryFlock(fd, 'exclusive')).toBe(true);
      expect(tryFlock(fd, 'unlock')).toBe(true);
    } finally {
      closeSync(fd);
    }
  });

  it('makes Python wait while Node holds it', async () => {
    const path = join(dir, 'b.lock');
    const fd = openSync(path, 'w');
    try {
      expect(tryFlock(fd, 'exclusive')).toBe(true);
      expect(await pythonTries(path, 0.3)).toBe(false);
      tryFlock(fd, 'unlock');
      expect(await pythonTries(path, 2)).toBe(true);
    } finally {
      closeSync(fd);
    }
  });

  it('is released by the kernel when the holder dies', async () => {
    const path = join(dir, 'c.lock');
    const code =
      'import sys, fcntl, os, time\nf = open(sys.argv[1], "w")\nfcntl.flock(f, fcntl.LOCK_EX)\nprint("held", flush=True)\ntime.sleep(60)';
    const child = spawn(python, ['-c', code, path], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise((r) => child.stdout.once('data', r));
    const fd = openSync(path, 'r+');
    try {
      expect(tryFlock(fd, 'exclusive')).toBe(false);
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      expect(tryFlock(fd, 'exclusive')).toBe(true);
    } finally {
      closeSync(fd);
    }
  });

  it('names bad descriptors', () => {
    expect(() => tryFlock(987654, 'exclusive')).toThrow(expect.objectContaining({ code: 'EBADF' }));
  });
});
