/** The segment's life: created 0600, names checked, stale ones replaced, live ones kept, removed at the end. */
import { spawn } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { connect, serve } from '@interoffice/core';
import { openSegment } from '@interoffice/native';
import { afterEach, describe, expect, it } from 'vitest';
import { inspectShm, shmTransport } from '../src/index.js';
import { H, writeU64 } from '../src/layout.js';
import { sweepGoneSegments } from '../src/segment.js';
import { calculator, child, cleanUp, cleanups, exists, exited, inProcess, kill9, segmentPath, shmUrl, until } from './helpers.js';

afterEach(cleanUp);
const transports = [shmTransport()];

describe('shm segments', () => {
  it('are created 0600 under /dev/shm/interoffice-<name> and removed on close', async () => {
    const url = shmUrl();
    const { server } = await inProcess(url);
    expect(statSync(segmentPath(url)).mode & 0o777).toBe(0o600);
    expect(inspectShm(url)).toMatchObject({ serverPid: process.pid, open: true, ringBytes: 256 * 1024, maxClients: 64 });
    await server.close();
    expect(exists(url)).toBe(false);
  });

  it('are removed when the server process exits without closing', async () => {
    const url = shmUrl();
    const { proc } = await child('calc-server.mjs', [url, '{}', 'exit']);
    await exited(proc);
    expect(exists(url)).toBe(false);
  });

  it('left by a crashed server refuse clients clearly, and are replaced by the next server', async () => {
    const url = shmUrl();
    const first = await child('calc-server.mjs', [url]);
    await kill9(first.proc);
    expect(exists(url)).toBe(true);
    await expect(connect(url, { transports })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringMatching(new RegExp(`its server \\(pid ${first.proc.pid}\\) is gone`)),
    });
    const { server } = await inProcess(url);
    expect(inspectShm(url).serverPid).toBe(process.pid);
    const channel = await connect(url, { transports });
    await channel.close();
    await server.close();
  });

  it("of a live server are never replaced, nor files that are not Interoffice's", async () => {
    const url = shmUrl();
    const { proc } = await child('calc-server.mjs', [url]);
    await expect(serve(calculator(), { listen: [url], transports })).rejects.toThrow(
      new RegExp(`another server \\(pid ${proc.pid}\\) is listening at ${url}`),
    );
    expect(inspectShm(url).serverPid).toBe(proc.pid);
    const other = shmUrl();
    writeFileSync(segmentPath(other), Buffer.alloc(8192, 7), { mode: 0o600 });
    await expect(serve(calculator(), { listen: [other], transports })).rejects.toThrow(/not an Interoffice segment/);
  });

  it('take only plain names: nothing in a URL reaches outside /dev/shm', async () => {
    for (const bad of ['shm://..', 'shm://a/b', 'shm://%2e%2e%2fetc', 'shm:calc', 'shm://', 'shm://-x', 'shm://a?b=1']) {
      await expect(serve(calculator(), { listen: [bad], transports })).rejects.toThrow(/invalid shm URL/);
      await expect(connect(bad, { transports })).rejects.toThrow(/invalid shm URL/);
    }
  });

  it('have as many slots as maxClients: one more client is refused with RESOURCE_EXHAUSTED', async () => {
    const url = shmUrl();
    await inProcess(url, { maxClients: 2 });
    for (let i = 0; i < 2; i++) {
      const channel = await connect(url, { transports });
      cleanups.push(() => channel.close());
    }
    await expect(connect(url, { transports })).rejects.toMatchObject({
      code: 'RESOURCE_EXHAUSTED',
      message: expect.stringMatching(/all 2 connections/),
    });
  });

  it("of gone servers are swept when a server starts, never a live one's, nor one from another PID namespace", async () => {
    const [dead, foreign, live] = [shmUrl(), shmUrl(), shmUrl()];
    for (const url of [dead, foreign]) await kill9((await child('calc-server.mjs', [url])).proc);
    await inProcess(live);
    const other = openSegment(`interoffice-${new URL(foreign).host}`);
    writeU64(new Uint32Array(other.buffer), H.serverPidNs, 1); // as if written in another PID namespace
    other.close();
    // Servers sweep gone segments published over 10 s ago. Rather than every gone segment on the machine
    // (sweepGoneSegments(0) would take other tests' too), only those at least as old as this test's own.
    const newest = Math.max(...[dead, foreign].map((u) => statSync(segmentPath(u)).ctimeMs));
    sweepGoneSegments(Math.max(0, Date.now() - newest - 1));
    expect([exists(dead), exists(foreign), exists(live)]).toEqual([false, true, true]);
    // Neither a client nor a server can judge a server in another namespace: they say so rather than guess.
    await expect(connect(foreign, { transports })).rejects.toMatchObject({
      code: 'FAILED_PRECONDITION',
      message: expect.stringMatching(/another PID namespace/),
    });
    await expect(serve(calculator(), { listen: [foreign], transports })).rejects.toThrow(
      /, in another PID namespace\) is listening/,
    );
  });

  it.skipIf(process.getuid?.() !== 0)(
    'of another user are refused both ways (needs root: runs processes as uid 65534)',
    async () => {
      const asNobody = (script: string, args: string[]) => {
        const proc = spawn(process.execPath, [new URL(`./fixtures/${script}`, import.meta.url).pathname, ...args], {
          uid: 65534,
          gid: 65534,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        cleanups.push(() => proc.kill('SIGKILL'));
        const out = { stdout: '', stderr: '' };
        proc.stdout?.setEncoding('utf8').on('data', (t: string) => (out.stdout += t));
        proc.stderr?.setEncoding('utf8').on('data', (t: string) => (out.stderr += t));
        return { proc, out };
      };
      // Ours is 0600: they cannot map it.
      const ours = shmUrl();
      await inProcess(ours);
      const intruder = asNobody('calc-client.mjs', [ours, 'wait']);
      await exited(intruder.proc);
      expect(intruder.proc.exitCode).not.toBe(0);
      expect(intruder.out.stderr).toMatch(/EACCES: permission denied, open '\/dev\/shm\/interoffice-/);
      // Theirs, at a name we would use: our client will not talk to it, our server will not take it over.
      const theirs = shmUrl();
      const squatter = asNobody('calc-server.mjs', [theirs]);
      await until(() => squatter.out.stdout.includes('ready'), 10_000);
      expect(statSync(segmentPath(theirs)).uid).toBe(65534);
      await expect(connect(theirs, { transports })).rejects.toMatchObject({
        code: 'PERMISSION_DENIED',
        message: expect.stringMatching(/is not a private segment of this user \(mode 600, uid 65534\)/),
      });
      await expect(serve(calculator(), { listen: [theirs], transports })).rejects.toThrow(/exists and cannot be used/);
    },
  );

  it('answer connects to nothing with UNAVAILABLE', async () => {
    await expect(connect(shmUrl(), { transports })).rejects.toMatchObject({ code: 'UNAVAILABLE', message: /nothing listens/ });
  });
});
