import { spawn, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isProcessAlive, isProcessRunning, processStartTime, watchProcessExit } from '../src/index.js';

describe('watchProcessExit', () => {
  it('notices at once when a process is killed with SIGKILL', async () => {
    const child = spawn('sleep', ['30']);
    const pid = child.pid as number;
    let seenAt = 0;
    watchProcessExit(pid, () => (seenAt = Date.now()), { startTime: processStartTime(pid) });
    await new Promise((r) => setTimeout(r, 50)); // not a condition: no event follows a false alarm to wait for; shorter only weakens this
    expect(seenAt).toBe(0);
    const killedAt = Date.now();
    child.kill('SIGKILL');
    const until = Date.now() + 3000;
    while (seenAt === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 2));
    expect(seenAt).toBeGreaterThan(0);
    expect(seenAt - killedAt).toBeLessThan(1000); // timing is the feature: a pidfd sees the exit at once, polling within 250 ms; the rest is room for a loaded machine
  });

  it('calls back for a process that is already gone', async () => {
    const pid = spawnSync('true').pid as number;
    let seen = false;
    watchProcessExit(pid, () => (seen = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(seen).toBe(true);
  });

  it('counts a PID reused by another process as exited (its start time differs)', async () => {
    let seen = false;
    watchProcessExit(process.pid, () => (seen = true), { startTime: (processStartTime(process.pid) as number) + 1 });
    await new Promise((r) => setTimeout(r, 10));
    expect(seen).toBe(true);
  });

  it('stops when asked, and does not keep the process alive', async () => {
    const child = spawn('sleep', ['30']);
    let seen = false;
    const stop = watchProcessExit(child.pid as number, () => (seen = true));
    stop();
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    await new Promise((r) => setTimeout(r, 50));
    expect(seen).toBe(false);
    // A process whose only handle is a watch exits.
    const code = `import('${new URL('../dist/index.js', import.meta.url).href}').then(({ watchProcessExit }) => watchProcessExit(1, () => {}))`;
    expect(spawnSync(process.execPath, ['-e', code], { timeout: 5000 }).status).toBe(0);
  });

  it('tells zombies from the running', async () => {
    // The child exits at once; its parent never waits for it: a zombie, whose PID still answers kill(0).
    const code = 'import os, sys, time\npid = os.fork()\nif pid == 0: os._exit(0)\nprint(pid, flush=True)\ntime.sleep(5)';
    const parent = spawn('/usr/bin/python3', ['-c', code], { stdio: ['ignore', 'pipe', 'ignore'] });
    const zombie = Number(await new Promise<string>((r) => parent.stdout.once('data', (d: Buffer) => r(d.toString()))));
    const until = Date.now() + 5000;
    while (isProcessRunning(zombie) && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    expect(isProcessRunning(zombie)).toBe(false);
    expect(isProcessAlive(zombie)).toBe(true); // yet kill(pid, 0) still answers for it
    let seen = false;
    watchProcessExit(zombie, () => (seen = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(seen).toBe(true);
    parent.kill('SIGKILL');
    expect(isProcessRunning(process.pid)).toBe(true);
    expect(isProcessRunning(process.pid, processStartTime(process.pid))).toBe(true);
    expect(isProcessRunning(2 ** 22 + 1)).toBe(false);
  });
});
