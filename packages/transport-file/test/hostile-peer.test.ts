/**
 * Entries a peer in another process (Python, with examples/python/file_client.py) writes
 * into the shared file that the server cannot take — one over maxFrameBytes, entries of the
 * wrong shape — each get an error answer, and the server keeps serving (issue #21's fault
 * matrix).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { serve } from '@interoffice/core';
import { afterEach, expect, it } from 'vitest';
import { fileTransport } from '../src/index.js';
import { calculator, entries, place, python } from './helpers.js';

const run = promisify(execFile);
const folder = new URL('../../../examples/python/', import.meta.url).pathname;
const limit = 64 * 1024;
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

it('an entry over maxFrameBytes and entries of the wrong shape get error answers; the next call works', async () => {
  const { dir, path, url } = place();
  const server = await serve(calculator(), {
    listen: [url],
    transports: [fileTransport({ maxFrameBytes: limit })],
    logger: { warn() {}, error() {} },
  });
  cleanups.push(() => server.close({ graceMs: 0 }));
  const program = `import sys
sys.path.insert(0, ${JSON.stringify(folder)})
from file_client import call, AliceError
for args in [dict(a=1, b=2, pad="x" * ${limit + 1}), dict(a="two", b=5)]:
    try:
        call("add", **args)
    except AliceError as e:
        print(e.code)
for command in ["no.such.method", ""]:
    try:
        call(command, 1)
    except AliceError as e:
        print(e.code)
print(call("add", 2, 5))`;
  const { stdout } = await run(python, ['-c', program], { cwd: dir, timeout: 30_000 });
  expect(stdout.trim().split('\n')).toEqual(['RESOURCE_EXHAUSTED', 'INVALID_ARGUMENT', 'UNIMPLEMENTED', 'UNIMPLEMENTED', '7']);
  expect(await entries(path)).toEqual({});
});
