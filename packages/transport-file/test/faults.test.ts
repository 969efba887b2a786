/**
 * What goes wrong with a shared file: corrupt, truncated or missing files,
 * the seed client's trailing bytes, bad entries, lock holders and servers
 * killed with SIGKILL. Real processes, real locks.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, createClient, serve, type Server } from '@interoffice/core';
import { afterEach, describe, expect, it } from 'vitest';
import { seededRandom } from '@interoffice/core/conformance';
import { fileTransport } from '../src/index.js';
import {
  calculator,
  Calculator,
  entries,
  memoryLogger,
  place,
  pythonHoldsLock,
  readLocked,
  sleep,
  until,
  withLock,
  writeLocked,
  type Seen,
} from './helpers.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function ourServer(url: string) {
  const seen: Seen = { calls: 0, aborted: [] };
  const logger = memoryLogger();
  const server: Server = await serve(calculator(seen), { listen: [url], transports: [fileTransport({ logger })], logger });
  cleanups.push(() => server.close({ graceMs: 0 }));
  return { seen, logger, server };
}

async function client(url: string) {
  const channel = await connect(url, { transports: [fileTransport()] });
  cleanups.push(() => channel.close());
  return createClient(Calculator, channel);
}

/** Put an entry into the file the way a seed-style program would, and wait for its answer. */
async function ask(path: string, key: string, entry: unknown): Promise<Record<string, unknown>> {
  await withLock(path, () => {
    const doc = JSON.parse(readFileSync(path, 'utf8')) as { commands: Record<string, unknown> };
    doc.commands[key] = entry;
    writeFileSync(path, JSON.stringify(doc));
  });
  let answer: Record<string, unknown> | undefined;
  await until(async () => {
    answer = (await entries(path))[key];
    return answer !== undefined && ('result' in answer || 'error' in answer);
  });
  return answer as Record<string, unknown>;
}

const keptAside = (dir: string): string[] => readdirSync(dir).filter((f) => f.startsWith('shared.json.corrupt-'));

describe('a corrupt file', () => {
  for (const [what, text] of [
    ['garbage', '\u0000\u00ffnot json at all'],
    ['a truncated document', '{"commands": {"x": {"command": "add", "args": [1, '],
    ['JSON of the wrong shape', '{"commands": [1, 2, 3]}'],
  ] as const) {
    it(`(${what}) is kept aside for inspection; the server starts afresh and keeps serving`, async () => {
      const { dir, path, url } = place();
      const { logger } = await ourServer(url);
      const calc = await client(url);
      expect(await calc.add({ a: 1, b: 1 })).toBe(2);
      await writeLocked(path, text);
      await until(() => keptAside(dir).length === 1);
      expect(readFileSync(join(dir, keptAside(dir)[0] as string), 'utf8')).toBe(text);
      expect(logger.warnings.join('\n')).toMatch(/was not usable .* kept aside as shared\.json\.corrupt-/);
      expect(JSON.parse(await readLocked(path))).toMatchObject({
        commands: {},
        interoffice: { reset: { keptAs: keptAside(dir)[0] } },
      });
      expect(await calc.add({ a: 2, b: 2 })).toBe(4);
    });
  }

  it('fails the calls whose entries were lost with it, saying so', async () => {
    const { path, url } = place();
    await ourServer(url);
    const calc = await client(url);
    const pending = calc.wait({ ms: 10_000 });
    await until(async () => Object.keys(await entries(path)).length === 1);
    await writeLocked(path, '{"commands": {"cut short');
    await expect(pending).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringMatching(/set aside as shared\.json\.corrupt-.*entries of a pending call were lost/),
    });
    expect(await calc.add({ a: 2, b: 3 })).toBe(5); // the next call reconnects
  });
});

describe("the seed client's fault: a document followed by the tail of a longer one", () => {
  it('is read as the document, answered, and written back whole, with nothing set aside', async () => {
    const { dir, path, url } = place();
    const { logger } = await ourServer(url);
    // What the seed's Bob leaves after rewriting a longer file in place with "r+" and no truncate.
    const doc = '{"commands": {"k1": {"command": "add", "args": [2, 5]}}}';
    await writeLocked(path, `${doc}\n  }\n}\n}`);
    await until(async () => (await entries(path)).k1?.result === 7);
    expect(() => JSON.parse(readFileSync(path, 'utf8'))).not.toThrow();
    expect(keptAside(dir)).toEqual([]);
    expect(logger.warnings.join('\n')).toMatch(/dropped 8 stray characters after the document/);
  });
});

describe('a missing file', () => {
  it('is created again by the server, which keeps serving', async () => {
    const { path, url } = place();
    await ourServer(url);
    const calc = await client(url);
    expect(await calc.add({ a: 1, b: 2 })).toBe(3);
    await withLock(path, () => unlinkSync(path));
    expect(await calc.add({ a: 3, b: 4 })).toBe(7);
    expect(JSON.parse(await readLocked(path))).toMatchObject({ commands: {} });
  });

  it('without a server is UNAVAILABLE at once, saying why', async () => {
    const { url } = place();
    await expect(connect(url, { transports: [fileTransport()] })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringMatching(/no file at .*shared\.json \(is the server running\?\)/),
    });
  });
});

describe('bad entries', () => {
  it('get a clear error each, and the server keeps serving', async () => {
    const { path, url } = place();
    const { seen } = await ourServer(url);
    const args5 = await ask(path, 'a', { command: 'add', args: 5 });
    expect(args5.error).toMatch(/params must be an object or an array/);
    expect(args5.errorCode).toBe(-32600);
    expect((await ask(path, 'b', { command: 'add', args: 'two, five' })).error).toMatch(/params must be an object or an array/);
    expect((await ask(path, 'c', { command: 'add', args: null })).error).toMatch(/params must be an object or an array/);
    expect((await ask(path, 'd', { args: [1, 2] })).error).toMatch(/method must be a string/);
    expect((await ask(path, 'e', { command: 42, args: [1, 2] })).error).toMatch(/method must be a string/);
    const unknown = await ask(path, 'f', { command: 'subtract', args: [5, 3] });
    expect([unknown.error, unknown.errorCode]).toEqual(['method not found: subtract', -32601]);
    expect((await ask(path, 'g', { command: 'add', args: [1, 2, 3] })).error).toMatch(/takes at most 2 positional params/);
    expect(seen.calls).toBe(0);
    expect((await ask(path, 'h', { command: 'add', args: { a: 1, b: 2 } })).result).toBe(3); // named args work too
    expect((await ask(path, 'i', { command: 'add', args: [2, 5] })).result).toBe(7);
  });

  it('that are not objects are left alone', async () => {
    const { path, url } = place();
    const { logger } = await ourServer(url);
    await writeLocked(path, '{"commands": {"odd": 5, "list": [1, 2]}}');
    expect((await ask(path, 'ok', { command: 'add', args: [1, 1] })).result).toBe(2);
    const all = await entries(path);
    expect([all.odd, all.list]).toEqual([5, [1, 2]]);
    expect(logger.warnings.join('\n')).toMatch(/entry odd is not an object/);
  });
});

describe('a lock holder killed with SIGKILL', () => {
  it('blocks nobody for good: the kernel releases its lock', async () => {
    const { path, url } = place();
    await ourServer(url);
    const calc = await client(url);
    const holder = await pythonHoldsLock(`${path}.lock`);
    const call = calc.add({ a: 20, b: 22 });
    await sleep(200); // not a condition: the call should be blocked on the lock when the holder dies; shorter only weakens this
    holder.kill('SIGKILL');
    expect(await call).toBe(42);
  });
});

describe('a server killed with SIGKILL', () => {
  function child(url: string): Promise<ChildProcess> {
    const c = spawn(process.execPath, [new URL('./fixtures/calc-server.mjs', import.meta.url).pathname, url], { stdio: 'pipe' });
    cleanups.push(() => c.kill('SIGKILL'));
    return new Promise((resolve, reject) => {
      c.stdout?.once('data', () => resolve(c));
      c.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
    });
  }

  it('fails the pending calls with UNAVAILABLE at once, and its successor serves', async () => {
    const { url } = place();
    const first = await child(url);
    const calc = await client(url);
    expect(await calc.add({ a: 1, b: 1 })).toBe(2);
    const pending = Array.from({ length: 5 }, () => calc.wait({ ms: 10_000 }, { timeout: 30_000 }));
    await sleep(200); // not a condition (the server prints nothing per call): the calls should be in its hands when it dies
    const killedAt = Date.now();
    first.kill('SIGKILL');
    for (const p of pending) await expect(p).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(Date.now() - killedAt).toBeLessThan(5000); // not at the 30 s deadline (room for a loaded machine)
    await expect(calc.add({ a: 1, b: 1 })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringMatching(/has stopped/),
    });
    await child(url);
    expect(await calc.add({ a: 20, b: 22 })).toBe(42);
  });

  it('leaves the calls it took to its successor to refuse, not to run twice', async () => {
    const { path, url } = place();
    const first = await child(url);
    await withLock(path, () => {
      const doc = JSON.parse(readFileSync(path, 'utf8')) as { commands: Record<string, unknown> };
      doc.commands.slow = { command: 'wait', args: [10_000] };
      writeFileSync(path, JSON.stringify(doc));
    });
    await until(async () => typeof (await entries(path)).slow?.taken === 'string');
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    await child(url);
    await until(async () => 'error' in ((await entries(path)).slow ?? {}));
    expect((await entries(path)).slow).toMatchObject({
      error: expect.stringMatching(/stopped before answering/),
      errorData: { code: 'UNAVAILABLE' },
    });
  });
});

describe('one server per file', () => {
  it('a second is refused while the first serves; after it stops, a client is told so', async () => {
    const { url } = place();
    const { server } = await ourServer(url);
    await expect(serve(calculator(), { listen: [url], transports: [fileTransport()] })).rejects.toThrow(
      /another server is serving .*shared\.json \(pid \d+\)/,
    );
    await server.close();
    await expect(connect(url, { transports: [fileTransport()] })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringMatching(/the server of .* has stopped \(it was pid \d+/),
    });
  });
});

describe('fuzzing the document (seeded; bounded by count and time)', () => {
  it('whatever another program leaves in the file, the server keeps answering', async () => {
    const { dir, path, url } = place();
    const logger = memoryLogger();
    const server = await serve(calculator(), { listen: [url], transports: [fileTransport({ logger })], logger });
    cleanups.push(() => server.close({ graceMs: 0 }));
    const channel = await connect(url, { transports: [fileTransport()] });
    cleanups.push(() => channel.close());
    const calc = createClient(Calculator, channel);
    const next = seededRandom(20_205);
    const entriesOf = [
      () => '"a string"',
      () => '[1,2]',
      () => '{"command":"add"}',
      () => '{"command":"add","args":{"a":1}}',
      () => '{"command":"nope","args":[1,2]}',
      () => '{"method":7,"args":[]}',
      () => '{"command":"add","args":[1,2],"taken":"someone"}',
      () => `{"command":"add","args":[${'['.repeat(next(500))}`,
      () => {
        const depth = next(3000);
        return `{"command":"add","args":[${'['.repeat(depth)}${']'.repeat(depth)}]}`;
      },
      () => '{"command":"add","args":[1,2],"names":["a"],"timeout":-5}',
      () => '{"frame":"[{\\"jsonrpc\\":\\"2.0\\",\\"id\\":1,\\"method\\":\\"add\\",\\"params\\":[1,2]},7]"}',
      () => '{"command":"add","args":[1,2],"meta":{"k":{"x":1}}}',
    ];
    const started = Date.now();
    let rounds = 0;
    while (rounds < 40 && Date.now() - started < 5000) {
      rounds++;
      await withLock(path, () => {
        let text = readFileSync(path, 'utf8');
        for (let i = 0, n = 1 + next(4); i < n; i++) {
          const key = `fuzz-${rounds}-${i}`;
          const entry = (entriesOf[next(entriesOf.length)] as () => string)();
          text = text.replace('{"commands":{', `{"commands":{"${key}":${entry},`).replace(',}', '}');
        }
        if (next(5) === 0) text = text.slice(0, next(text.length)); // torn
        if (next(7) === 0) text += '}garbage';
        writeFileSync(path, text);
      });
      expect(await calc.add({ a: rounds, b: 1 }, { timeout: 5000 })).toBe(rounds + 1);
    }
    expect(rounds).toBeGreaterThanOrEqual(10);
    expect(readdirSync(dir).filter((f) => f.includes('.corrupt-')).length).toBeLessThanOrEqual(10); // the last ten kept
    expect(logger.errors).toEqual([]); // set aside and reported, never a crash
  });
});
