import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isProcessAlive, processOwner, processStartTime } from '../src/index.js';

describe('processes', () => {
  it('tells the living from the dead, and who owns them', async () => {
    expect(isProcessAlive(process.pid)).toBe(true);
    expect(processOwner(process.pid)).toBe(process.getuid?.());
    expect(isProcessAlive(1)).toBe(true); // init: alive even where we may not signal it
    const child = spawn('sleep', ['30']);
    const pid = child.pid as number;
    const started = processStartTime(pid);
    expect(started).toBeGreaterThan(0);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(isProcessAlive(pid)).toBe(false);
    expect(processOwner(pid)).toBeUndefined();
    expect(processStartTime(pid)).toBeUndefined();
  });
});
