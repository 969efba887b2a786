/** The FIFO server's folder: permissions, cleanup, stale files from a crash, refusals; and whose folder a client talks to. */
import {
  chownSync,
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createClient, serve } from '@interoffice/core';
import { afterEach, describe, expect, it } from 'vitest';
import { pipeTransport } from '../src/index.js';
import { calculator, Calculator, Child, fixture, freshPath, quiet } from './helpers.js';

const transports = [pipeTransport()];
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const mode = (path: string): number => lstatSync(path).mode & 0o777;

describe('the FIFO folder', () => {
  it('is 0700 with FIFOs 0600 (the requests FIFO and each client pair), all removed on close', async () => {
    const dir = freshPath('perm');
    const server = await serve(calculator(), { listen: [`fifo://${dir}`], transports, logger: quiet });
    expect(mode(dir)).toBe(0o700);
    expect(lstatSync(join(dir, 'requests')).isFIFO()).toBe(true);
    expect(mode(join(dir, 'requests'))).toBe(0o600);
    const channel = await connect(`fifo://${dir}`, { transports });
    expect(await createClient(Calculator, channel).add({ a: 2, b: 5 })).toBe(7);
    const pair = readdirSync(dir).filter((f) => f !== 'requests');
    expect(pair.map((f) => f.replace(/^.*\./, '')).sort()).toEqual(['req', 'res']);
    for (const f of pair) {
      expect(lstatSync(join(dir, f)).isFIFO()).toBe(true);
      expect(mode(join(dir, f))).toBe(0o600);
    }
    await channel.close();
    await server.close();
    expect(existsSync(dir)).toBe(false);
  });

  it('handles a crash: a requests FIFO nobody reads and client pairs left behind are replaced by the next server', async () => {
    const dir = freshPath('stale');
    const server1 = new Child(process.execPath, [fixture('calc-server.mjs'), `fifo://${dir}`]);
    cleanups.push(() => server1.kill());
    await server1.line(/ready/);
    const client1 = new Child(process.execPath, [fixture('fifo-writer.mjs'), `fifo://${dir}`, 'c', '1', '10', '--hold']);
    cleanups.push(() => client1.kill());
    await client1.line(/ok 1/);
    server1.kill('SIGKILL');
    client1.kill('SIGKILL');
    await Promise.all([server1.exited, client1.exited]);
    expect(readdirSync(dir)).toHaveLength(3); // requests and the client's pair, left behind
    await expect(connect(`fifo://${dir}`, { transports })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: /nobody reads/,
    });
    const server = await serve(calculator(), { listen: [`fifo://${dir}`], transports, logger: quiet });
    cleanups.push(() => server.close());
    expect(readdirSync(dir)).toEqual(['requests']); // the stale pair is gone
    const channel = await connect(`fifo://${dir}`, { transports });
    cleanups.push(() => channel.close());
    expect(await createClient(Calculator, channel).add({ a: 20, b: 22 })).toBe(42);
  });

  it('never replaces a live server, a requests file that is not a FIFO, or a folder that is not private', async () => {
    const dir = freshPath('live');
    const live = await serve(calculator(), { listen: [`fifo://${dir}`], transports, logger: quiet });
    cleanups.push(() => live.close());
    await expect(serve(calculator(), { listen: [`fifo://${dir}`], transports })).rejects.toThrow(/another server is listening/);
    const calc = createClient(Calculator, await connect(`fifo://${dir}`, { transports }));
    expect(await calc.add({ a: 1, b: 1 })).toBe(2); // the live one still serves

    const notFifo = freshPath('file');
    mkdirSync(notFifo, { mode: 0o700 });
    writeFileSync(join(notFifo, 'requests'), 'precious');
    await expect(serve(calculator(), { listen: [`fifo://${notFifo}`], transports })).rejects.toThrow(/not a FIFO/);

    const open = freshPath('open');
    mkdirSync(open);
    chmodSync(open, 0o755);
    await expect(serve(calculator(), { listen: [`fifo://${open}`], transports })).rejects.toThrow(/mode 0755/);

    const link = freshPath('link');
    symlinkSync(open, link);
    await expect(serve(calculator(), { listen: [`fifo://${link}`], transports })).rejects.toThrow(/not a folder/);
  });

  it.skipIf(process.getuid?.() !== 0)('a server refuses a folder of another user (needs root)', async () => {
    const theirs = freshPath('theirs');
    mkdirSync(theirs, { mode: 0o700 });
    chownSync(theirs, 65534, 65534);
    await expect(serve(calculator(), { listen: [`fifo://${theirs}`], transports })).rejects.toThrow(/belongs to uid 65534/);
  });

  it.skipIf(process.getuid?.() !== 0)(
    'in a folder all can write (as /tmp): another user cannot open ours, and a client refuses theirs, which would get its calls (needs root)',
    async () => {
      const shared = mkdtempSync(join(tmpdir(), 'io-shared-'));
      chmodSync(shared, 0o1777);
      cleanups.push(() => rmSync(shared, { recursive: true, force: true }));
      const nobody = { uid: 65534, gid: 65534 };
      // Ours: its folder is 0700. Opened to 0711 so they reach the requests FIFO, its own 0600 stops them too.
      const mine = `fifo://${join(shared, 'mine')}`;
      const server = await serve(calculator(), { listen: [mine], transports, logger: quiet });
      cleanups.push(() => server.close());
      for (const mode of [0o700, 0o711]) {
        chmodSync(join(shared, 'mine'), mode);
        const intruder = new Child(process.execPath, [fixture('fifo-writer.mjs'), mine, 'n', '1', '10'], nobody);
        expect((await intruder.exited).code).not.toBe(0);
        expect(intruder.stderr).toMatch(/cannot open .*mine\/requests: permission denied/);
      }
      // Theirs: a server of uid 65534 at a path our client dials. Root could open it; it must not talk to it.
      const url = `fifo://${join(shared, 'calc')}`;
      const theirs = new Child(process.execPath, [fixture('calc-server.mjs'), url], nobody);
      cleanups.push(() => theirs.kill());
      await theirs.line(/ready/);
      await expect(connect(url, { transports })).rejects.toMatchObject({
        code: 'UNAUTHENTICATED',
        message: expect.stringMatching(
          /the folder belongs to uid 65534, not to this user \(uid 0\) or root: refusing to talk to it/,
        ),
      });
      expect(readdirSync(join(shared, 'calc'))).toEqual(['requests']); // nothing of ours was left there
    },
  );

  it('a client refuses a folder others can write in: they could put their own FIFOs there', async () => {
    const dir = freshPath('opened');
    const server = await serve(calculator(), { listen: [`fifo://${dir}`], transports, logger: quiet });
    cleanups.push(() => server.close());
    chmodSync(dir, 0o733);
    await expect(connect(`fifo://${dir}`, { transports })).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
      message: expect.stringMatching(/others can write in .* \(mode 0733\): refusing to talk to it/),
    });
    chmodSync(dir, 0o700);
    const channel = await connect(`fifo://${dir}`, { transports });
    cleanups.push(() => channel.close());
    expect(await createClient(Calculator, channel).add({ a: 1, b: 2 })).toBe(3);
  });

  it('needs an absolute path and nothing else', async () => {
    await expect(serve(calculator(), { listen: ['fifo://tmp/calc'], transports })).rejects.toThrow(/absolute path/);
    await expect(serve(calculator(), { listen: ['fifo:///tmp/x?a=1'], transports })).rejects.toThrow(/no query/);
    await expect(connect(`fifo://${freshPath('none')}`, { transports })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: /does not exist \(is the server running\?\)/,
    });
  });
});
