/**
 * examples/python/shm_client.py — standard library only, on Debian's
 * /usr/bin/python3 — against a TypeScript server: the layout in
 * docs/transports/shm.md ("Wire format") is all it knows.
 */
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { inspectShm } from '../src/index.js';
import { child, cleanUp, exited, inProcess, kill9, shmUrl, until } from './helpers.js';

const run = promisify(execFile);
const script = new URL('../../../examples/python/shm_client.py', import.meta.url).pathname;
const folder = new URL('../../../examples/python/', import.meta.url).pathname;
// Debian's interpreter, not whatever python3 is first on PATH.
const python = '/usr/bin/python3';

afterEach(cleanUp);

/** A Python program that imports the example's `Alice` first. */
const program = (code: string): string =>
  `import sys\nsys.path.insert(0, ${JSON.stringify(folder)})\nfrom shm_client import Alice\n${code}\n`;

/** Run Python `code` with `alice` connected to `name`; resolves with its stdout. */
async function withAlice(name: string, code: string): Promise<string> {
  const { stdout } = await run(python, ['-c', program(`alice = Alice(${JSON.stringify(name)})\n${code}`)], { timeout: 30_000 });
  return stdout;
}

describe('examples/python/shm_client.py', () => {
  it('calls add and multiply and sees the domain error, then leaves its slot', async () => {
    const url = shmUrl();
    await inProcess(url);
    const { stdout } = await run(python, [script, new URL(url).host]);
    expect(stdout.split('\n')).toEqual([
      'add(2, 5) = 7',
      'multiply(8, 5) = 40',
      'divide(1, 0) failed: INVALID_ARGUMENT AliceBroke: division by zero',
      '',
    ]);
    await until(() => inspectShm(url).slotsInUse === 0);
  });

  it('sends and receives frames larger than the rings, and many calls in a row', async () => {
    const url = shmUrl();
    const { seen } = await inProcess(url, { ringBytes: 4096 });
    const out = await withAlice(
      new URL(url).host,
      `text = "zażółć 🐢 " * 30000
assert alice.call("echo", text) == text
for i in range(300):
    assert alice.call("add", i, 1) == i + 1
print("ok", len(text.encode()))
alice.close()`,
    );
    expect(out.trim()).toBe(`ok ${Buffer.byteLength('zażółć 🐢 '.repeat(30_000))}`);
    expect(seen.calls).toBe(301);
  });

  it('finds every slot left in states outside the protocol by a process that exited, rings the server, and gets one', async () => {
    const url = shmUrl();
    await inProcess(url);
    const vandal = await child('vandal.mjs', [url, 'exit']);
    await exited(vandal.proc);
    const { stdout } = await run(python, [script, new URL(url).host]);
    expect(stdout).toMatch(/^add\(2, 5\) = 7\n/);
    await until(() => inspectShm(url).slotsInUse === 0);
  });

  it('notices a server killed with SIGKILL while it waits, instead of hanging', async () => {
    const url = shmUrl();
    const server = await child('calc-server.mjs', [url]);
    const code = program(
      'alice = Alice(sys.argv[1])\nprint("connected", flush=True)\n' +
        'try:\n    alice.call("wait", 60000)\nexcept ConnectionError as e:\n    print("lost:", e, flush=True)',
    );
    const py = spawn(python, ['-c', code, new URL(url).host], { stdio: ['ignore', 'pipe', 'inherit'] });
    // Listened for from the start: Python may exit (it sees the server a zombie in /proc) before
    // Node has reaped the server, so before kill9 below resolves.
    const pyGone = exited(py);
    let out = '';
    py.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    await until(() => out.includes('connected'), 10_000);
    await new Promise((r) => setTimeout(r, 100)); // not a condition: Python's call in flight (it prints nothing then)
    const killedAt = Date.now();
    await kill9(server.proc);
    await pyGone;
    expect(out).toMatch(new RegExp(`lost: the server process \\(pid ${server.proc.pid}\\) exited`));
    expect(Date.now() - killedAt).toBeLessThan(5000); // Python notices the death, not its 60 s wait
  });

  it('killed with SIGKILL mid-call, has its slot freed by the server', async () => {
    const url = shmUrl();
    const { seen } = await inProcess(url, { maxClients: 1 });
    const py = spawn(python, ['-c', program('Alice(sys.argv[1]).call("wait", 60000)'), new URL(url).host]);
    await until(() => seen.calls === 1, 10_000);
    await kill9(py);
    await until(() => seen.aborted.length === 1);
    expect(seen.aborted[0]).toMatchObject({ code: 'CANCELLED' }); // the handler was told, as for a cancel
    await until(() => inspectShm(url).slotsInUse === 0);
    // The one slot is free again: another Python client gets it and is served.
    const { stdout } = await run(python, [script, new URL(url).host]);
    expect(stdout).toMatch(/^add\(2, 5\) = 7\n/);
  });
});
