/**
 * The files themselves: who may read them, how big they get, and what a
 * seed-style program finds in them.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { connect, createClient, rawCall, serve } from '@interoffice/core';
import { afterEach, describe, expect, it } from 'vitest';
import { fileTransport, type FileTransportOptions } from '../src/index.js';
import { calculator, Calculator, entries, place, python, readLocked, sleep, until, withLock } from './helpers.js';

const run = promisify(execFile);
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function ourServer(url: string, options: FileTransportOptions = {}) {
  const server = await serve(calculator(), { listen: [url], transports: [fileTransport(options)] });
  cleanups.push(() => server.close({ graceMs: 0 }));
  return server;
}

async function ourClient(url: string) {
  const channel = await connect(url, { transports: [fileTransport()] });
  cleanups.push(() => channel.close());
  return { channel, calc: createClient(Calculator, channel) };
}

const mode = (path: string): number => statSync(path).mode & 0o777;

describe('permissions', () => {
  it('folders we create are 0700, files we create 0600', async () => {
    const { dir } = place(false);
    const path = join(dir, 'deeper', 'shared.json');
    await ourServer(`file://${path}`);
    const { calc } = await ourClient(`file://${path}`);
    expect(await calc.add({ a: 1, b: 2 })).toBe(3);
    expect([mode(dir), mode(join(dir, 'deeper'))]).toEqual([0o700, 0o700]);
    expect([mode(path), mode(`${path}.lock`), mode(`${path}.server.lock`)]).toEqual([0o600, 0o600, 0o600]);
  });

  it('a file someone else created keeps its mode when we rewrite it', async () => {
    const { path, url } = place();
    writeFileSync(path, '{"commands": {}}');
    chmodSync(path, 0o640);
    await ourServer(url);
    const { calc } = await ourClient(url);
    expect(await calc.add({ a: 1, b: 2 })).toBe(3);
    expect(mode(path)).toBe(0o640);
  });
});

describe('the file does not grow without bound', () => {
  it('our client removes its entries once it has read their answers, without being closed', async () => {
    const { path, url } = place();
    await ourServer(url);
    const { calc } = await ourClient(url);
    for (let i = 0; i < 50; i++) expect(await calc.add({ a: i, b: 1 })).toBe(i + 1);
    await Promise.all(Array.from({ length: 50 }, (_, i) => calc.add({ a: i, b: 2 })));
    await until(async () => Object.keys(await entries(path)).length === 0, 2000);
  });

  it('answers nobody removes (a seed-style caller never does) are cleared out after answeredTtlMs', async () => {
    const { path, url } = place();
    await ourServer(url, { answeredTtlMs: 500 });
    await withLock(path, () => writeFileSync(path, '{"commands": {"k": {"command": "add", "args": [2, 5]}}}'));
    await until(async () => (await entries(path)).k?.result === 7);
    await sleep(200); // timing is the feature: well inside the 500 ms TTL, the answer must still be there
    expect((await entries(path)).k).toMatchObject({ command: 'add', args: [2, 5], result: 7 }); // for its caller to read
    await until(async () => (await entries(path)).k === undefined, 3000);
  });

  it('a client killed before reading its answers leaves nothing behind for long', async () => {
    const { path, url } = place();
    await ourServer(url, { answeredTtlMs: 300 });
    const code = `
import { connect, rawCall } from '@interoffice/core';
import { fileTransport } from '@interoffice/transport-file';
const channel = await connect(process.argv[1], { transports: [fileTransport()] });
rawCall(channel, 'wait', [400]);
setTimeout(() => process.kill(process.pid, 'SIGKILL'), 100);
`;
    await run(process.execPath, ['--input-type=module', '-e', code, url], { cwd: new URL('.', import.meta.url).pathname }).catch(
      () => {},
    );
    expect(Object.keys(await entries(path))).toHaveLength(1);
    await until(async () => Object.keys(await entries(path)).length === 0, 5000);
  });
});

describe("other programs' entries", () => {
  it('keep every byte they wrote; we only add our answer', async () => {
    const { path, url } = place();
    await ourServer(url);
    const { calc } = await ourClient(url);
    // As Python writes them: 2.0 stays a float, a 20-digit integer keeps its digits, spacing is theirs.
    const theirs = '{"command": "add", "args": [2.0, 5.5], "note": 12345678901234567890, "nested": {"x": [1.0, "\\u00e9"]}}';
    await withLock(path, () => {
      writeFileSync(path, readFileSync(path, 'utf8').replace('"commands":{}', `"commands": {"theirs": ${theirs}}`));
    });
    await until(async () => (await entries(path)).theirs?.result === 7.5);
    for (let i = 0; i < 5; i++) await calc.add({ a: i, b: i }); // our own entries come and go around it
    const text = await readLocked(path);
    for (const part of ['"args":[2.0, 5.5]', '"note":12345678901234567890', '"nested":{"x": [1.0, "\\u00e9"]}'])
      expect(text).toContain(part);
  });
});

describe('a seed-style program that rewrites the file in place without truncating it', () => {
  it('never finds stray bytes after what we wrote, even with numbers Python writes shorter', async () => {
    const { dir, url } = place();
    await ourServer(url);
    const { channel } = await ourClient(url);
    // Our client's entries hold tiny numbers, which JavaScript writes longer than Python does.
    const tiny = Array.from({ length: 200 }, () => 0.000001); // "0.000001" here, "1e-06" in Python
    const ours = rawCall(channel, 'wait', { ms: 3000, pad: tiny }).catch(() => undefined);
    // The seed's Bob's way of writing, 30 times, with answers read in between.
    const bob = `
import json, time, uuid, filelock
lock = filelock.FileLock("shared.json.lock")
for i in range(30):
    key = str(uuid.uuid4())
    with lock, open("shared.json", "r+") as f:
        data = json.load(f)
        data["commands"][key] = {"command": "add", "args": [i * 0.00001, 0.00002]}
        f.seek(0)
        json.dump(data, f)
    while True:
        with lock, open("shared.json") as f:
            entry = json.load(f)["commands"][key]
        if "result" in entry or "error" in entry:
            break
        time.sleep(0.005)
print("ok")
`;
    const { stdout } = await run(python, ['-c', bob], { cwd: dir, timeout: 30_000 });
    expect(stdout.trim()).toBe('ok');
    void ours;
  });
});

describe('a folder that is not there', () => {
  it('is created for a server, not for a client', async () => {
    const { dir, url } = place(false);
    await expect(connect(url, { transports: [fileTransport()] })).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(() => statSync(dir)).toThrow();
    mkdirSync(dir);
    await ourServer(url);
    const { calc } = await ourClient(url);
    expect(await calc.add({ a: 2, b: 2 })).toBe(4);
  });
});
