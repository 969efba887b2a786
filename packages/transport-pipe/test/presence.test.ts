/**
 * Presence by signal, with real processes: clients register their PID in the
 * service's folder; the service signals "online" and "offline"; dead,
 * reused and foreign PIDs are pruned, never signalled.
 */
import { spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { announcePresence, watchPresence, type Presence } from '../src/index.js';
import { Child, fixture, freshPath, memoryLogger, sleep } from './helpers.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function client(dir: string, script = fixture('presence-client.mjs'), command = process.execPath): Child {
  const c = new Child(command, [script, dir]);
  cleanups.push(() => c.kill());
  return c;
}

function bystander(options: { uid?: number; gid?: number } = {}): Child {
  const c = new Child(process.execPath, [fixture('bystander.mjs')], options);
  cleanups.push(() => c.kill());
  return c;
}

async function announce(dir: string, log = memoryLogger()): Promise<Presence> {
  const p = await announcePresence(dir, { logger: log });
  cleanups.push(() => p.close());
  return p;
}

/** The start time /proc gives for `pid` (ticks since boot), as a registering client writes it. */
function startOf(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] as string;
}

const lines = (c: Child): string[] => c.stdout.trim().split('\n');

describe('presence', () => {
  it('signals registered clients online at start and offline at shutdown, as typed events', async () => {
    const dir = freshPath('presence');
    const clients = [client(dir), client(dir), client(dir)];
    for (const c of clients) await c.line(/registered/);
    expect(lstatSync(dir).mode & 0o777).toBe(0o700);
    expect(readdirSync(dir).map(Number).sort()).toEqual(clients.map((c) => c.process.pid).sort());
    const presence = await announcePresence(dir);
    expect(presence.started.signalled.sort()).toEqual(clients.map((c) => c.process.pid).sort());
    for (const c of clients) await c.line(/online/);
    await presence.close();
    for (const c of clients) await c.line(/offline/);
    const again = await announce(dir); // a restart: online again
    for (const c of clients) await c.line(/offline\nonline/);
    expect(again.started.signalled).toHaveLength(3);
    clients[0]?.process.stdin?.end(); // a client that leaves removes its file
    await clients[0]?.exited;
    expect(readdirSync(dir)).toHaveLength(2);
  });

  it('greets a client that registers while the service runs', async () => {
    const dir = freshPath('presence');
    await announce(dir);
    const late = client(dir);
    await late.line(/registered\nonline/);
    await sleep(300); // not a condition: a second greeting would come unannounced; shorter only weakens this
    expect(lines(late)).toEqual(['registered', 'online']); // greeted once, though the file was created and written
  });

  it('prunes dead PIDs instead of signalling them', async () => {
    const dir = freshPath('presence');
    mkdirSync(dir, { mode: 0o700 });
    const gone = spawn(process.execPath, ['-e', '']);
    const pid = gone.pid as number;
    await new Promise((r) => gone.once('exit', r));
    writeFileSync(join(dir, String(pid)), '12345\n');
    const presence = await announce(dir);
    expect(presence.started.pruned).toEqual([{ pid, reason: 'not running' }]);
    expect(existsSync(join(dir, String(pid)))).toBe(false);
  });

  it('never signals a PID now held by another process of this user (start time differs, or began after the file)', async () => {
    const dir = freshPath('presence');
    mkdirSync(dir, { mode: 0o700 });
    const [wrongStart, oldFile, seedStyle] = [bystander(), bystander(), bystander()];
    for (const b of [wrongStart, oldFile, seedStyle]) await b.line(/listening/);
    const pid = (b: Child): number => b.process.pid as number;
    writeFileSync(join(dir, String(pid(wrongStart))), `${Number(startOf(pid(wrongStart))) - 1}\n`);
    writeFileSync(join(dir, String(pid(oldFile))), ''); // an empty file, as the seed's Bob writes…
    utimesSync(join(dir, String(pid(oldFile))), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000)); // …before it started
    writeFileSync(join(dir, String(pid(seedStyle))), ''); // an empty file written after the process started: accepted
    const log = memoryLogger();
    const presence = await announce(dir, log);
    expect(presence.started.signalled).toEqual([pid(seedStyle)]);
    expect(presence.started.pruned.map((p) => p.pid).sort()).toEqual([pid(wrongStart), pid(oldFile)].sort());
    expect(log.warnings.join('\n')).toMatch(/PID reused/);
    await seedStyle.line(/got SIGWINCH/);
    await sleep(300); // not a condition: no fence exists (a signal of ours would merge with a pending one); \`signalled\` above is the main check
    expect(wrongStart.stdout).toBe('listening\n');
    expect(oldFile.stdout).toBe('listening\n');
    expect(readdirSync(dir)).toEqual([String(pid(seedStyle))]);
  });

  it.skipIf(process.getuid?.() !== 0)(
    "never signals another user's process, even as root (needs root to start one)",
    async () => {
      const dir = freshPath('presence');
      mkdirSync(dir, { mode: 0o700 });
      const theirs = bystander({ uid: 65534, gid: 65534 });
      await theirs.line(/listening/);
      const pid = theirs.process.pid as number;
      writeFileSync(join(dir, String(pid)), `${startOf(pid)}\n`); // a perfect registration, but not ours
      const presence = await announce(dir);
      expect(presence.started.signalled).toEqual([]);
      expect(presence.started.pruned).toEqual([{ pid, reason: 'owned by uid 65534 (euid 65534), not by this user' }]);
      await presence.close();
      await sleep(300);
      expect(theirs.stdout).toBe('listening\n');
    },
  );

  const pid1IsForeign = statSync('/proc/1').uid !== process.getuid?.();
  it.skipIf(process.getuid?.() === 0 || !pid1IsForeign)(
    "never signals another user's process (PID 1, another user's)",
    async () => {
      const dir = freshPath('presence');
      mkdirSync(dir, { mode: 0o700 });
      writeFileSync(join(dir, '1'), `${startOf(1)}\n`);
      const presence = await announce(dir);
      expect(presence.started.pruned).toEqual([{ pid: 1, reason: expect.stringMatching(/^owned by uid \d+/) }]);
    },
  );

  it('refuses a folder others can enter, and ignores entries that are not regular files of this user', async () => {
    const open = freshPath('presence');
    mkdirSync(open);
    chmodSync(open, 0o755);
    await expect(announcePresence(open)).rejects.toThrow(/mode 0755/);
    await expect(watchPresence(open)).rejects.toThrow(/mode 0755/);
    const dir = freshPath('presence');
    mkdirSync(dir, { mode: 0o700 });
    symlinkSync('/proc/self/stat', join(dir, '12345'));
    const log = memoryLogger();
    const presence = await announce(dir, log);
    expect(presence.started).toEqual({ signalled: [], pruned: [] });
    expect(log.warnings.join('\n')).toMatch(/ignored .*12345: not a regular file/);
  });

  it('chooses its signals with care', async () => {
    const dir = freshPath('presence');
    await expect(announcePresence(dir, { online: 'SIGUSR1' })).rejects.toThrow(/Node inspector/);
    await expect(watchPresence(dir, { offline: 'SIGTERM' })).rejects.toThrow(/not a presence signal/);
    await expect(watchPresence(dir, { online: 'SIGURG', offline: 'SIGURG' })).rejects.toThrow(/different signals/);
    const first = await watchPresence(dir);
    cleanups.push(() => first.close());
    // Signals carry no sender: a second service on the same signals would be indistinguishable.
    await expect(watchPresence(freshPath('presence'))).rejects.toThrow(/already watches presence on SIGWINCH/);
    const second = await watchPresence(freshPath('presence'), { online: 'SIGUSR2', offline: 'SIGHUP' });
    await second.close();
  });

  it('delivers typed events in process: state, on() and next()', async () => {
    const dir = freshPath('presence');
    const watch = await watchPresence(dir);
    cleanups.push(() => watch.close());
    expect(watch.state).toBe('unknown');
    const seen: string[] = [];
    watch.on('change', (e) => seen.push(`${e.type} by ${e.signal}`));
    const online = watch.next('online');
    const presence = await announcePresence(dir, { greetNewcomers: false });
    expect((await online).type).toBe('online');
    expect(watch.state).toBe('online');
    const offline = watch.next();
    await presence.close();
    expect(await offline).toMatchObject({ type: 'offline', signal: 'SIGURG' });
    expect(seen).toEqual(['online by SIGWINCH', 'offline by SIGURG']);
  });

  it('works with examples/python/presence_client.py (standard library only)', async () => {
    const dir = freshPath('presence');
    const py = client(dir, new URL('../../../examples/python/presence_client.py', import.meta.url).pathname, '/usr/bin/python3');
    await py.line(/registered/);
    const presence = await announcePresence(dir);
    await py.line(/registered\nonline/);
    await presence.close();
    await py.line(/online\noffline/);
    py.process.stdin?.end();
    expect((await py.exited).code).toBe(0);
    expect(readdirSync(dir)).toEqual([]); // it unregistered
    expect(lines(py)).toEqual(['registered', 'online', 'offline']);
  });
});
