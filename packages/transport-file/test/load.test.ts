/**
 * Many programs at once on one file: 8 client processes × 200 calls against
 * one server process, while Python peers read the file all the while — one
 * taking the lock as the seed's programs do, one taking no lock at all.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { entries, place, pythonProcess, until } from './helpers.js';

const CLIENTS = 8;
const CALLS = 200;

function node(script: string, args: string[]): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, [new URL(`./fixtures/${script}`, import.meta.url).pathname, ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  return Object.assign(child, { output: () => out });
}

const exited = (c: ChildProcess): Promise<void> => new Promise((r) => (c.exitCode !== null ? r() : c.once('exit', () => r())));

/** Reads the file in a loop until stdin closes; prints "<reads> <bad reads>" and the first bad text. */
const reader = `
import json, sys, threading, filelock
path, locked = sys.argv[1], sys.argv[2] == "locked"
lock = filelock.FileLock(path + ".lock")
done = threading.Event()
threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
reads, bad, first = 0, 0, ""
while not done.is_set():
    try:
        if locked:
            lock.acquire()
        try:
            with open(path) as f:
                text = f.read()
        finally:
            if locked:
                lock.release()
    except FileNotFoundError:
        continue
    reads += 1
    try:
        json.loads(text)
    except ValueError:
        bad += 1
        first = first or text
print(reads, bad, repr(first[:200]))
`;

describe(`${CLIENTS} client processes × ${CALLS} calls against one server process`, () => {
  it('answer every call once; nobody ever reads anything but whole JSON; nothing is left behind', async () => {
    const { path, url } = place();
    const server = node('calc-server.mjs', [url]);
    try {
      await until(() => server.output().includes('ready'));
      const readers = [pythonProcess(reader, [path, 'locked']), pythonProcess(reader, [path, 'unlocked'])];
      const clients = Array.from({ length: CLIENTS }, (_, n) =>
        node('calc-client.mjs', [url, String(n + 1), String(CALLS), '4']),
      );
      await Promise.all(clients.map(exited));
      for (const c of clients) expect(c.output().trim()).toBe(`ok ${CALLS}`);
      server.stdin?.write('count\n');
      await until(() => server.output().includes('calls'));
      expect(server.output()).toContain(`calls ${CLIENTS * CALLS} twice 0`);
      for (const r of readers) r.stdin?.end();
      await Promise.all(readers.map(exited));
      for (const r of readers) {
        const [reads, bad, first] = r.output().trim().split(' ');
        expect({ bad: Number(bad), first }).toEqual({ bad: 0, first: "''" });
        expect(Number(reads)).toBeGreaterThan(500); // they really read all along
      }
      // Every answer was read and its entry removed: the file holds nothing.
      await until(async () => Object.keys(await entries(path)).length === 0);
    } finally {
      server.kill('SIGKILL');
    }
  }, 120_000);
});
