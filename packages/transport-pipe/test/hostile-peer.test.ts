/**
 * Malformed and oversized lines written into a FIFO pair by another process (a Python peer
 * built on examples/python/fifo_client.py) get an error answer each, and the server keeps
 * serving (issue #21's fault matrix).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { serve } from '@interoffice/core';
import { afterEach, expect, it } from 'vitest';
import { pipeTransport } from '../src/index.js';
import { calculator, freshPath, quiet } from './helpers.js';

const run = promisify(execFile);
const folder = new URL('../../../examples/python/', import.meta.url).pathname;
const limit = 64 * 1024;
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function python(dir: string, code: string): Promise<string> {
  const program = `import sys, json\nsys.path.insert(0, ${JSON.stringify(folder)})\nfrom fifo_client import Alice\nalice = Alice(${JSON.stringify(dir)})\n${code}\n`;
  const { stdout } = await run('/usr/bin/python3', ['-c', program], { timeout: 30_000 });
  return stdout;
}

it('lines that are not JSON-RPC, and one over maxFrameBytes, get error answers; the connection keeps serving', async () => {
  const dir = freshPath('hostile');
  const server = await serve(calculator(), {
    listen: [`fifo://${dir}`],
    transports: [pipeTransport({ maxFrameBytes: limit })],
    logger: quiet,
  });
  cleanups.push(() => server.close({ graceMs: 0 }));
  const out = await python(
    dir,
    `oversized = json.dumps({"jsonrpc": "2.0", "id": 9, "method": "add", "params": {"a": 1, "b": 2, "pad": "x" * ${limit + 1}}}).encode()
for frame in [b"this is not json", b'{"jsonrpc":"2.0","id":1,"method":', b"[]", b'{"jsonrpc":"2.0","id":2,"method":"add","params":"two and five"}', b"\\xff\\xfe", oversized]:
    alice.writer.write(frame + b"\\n")
    reply = json.loads(alice.reader.readline())
    print(reply["id"], reply["error"]["code"], reply["error"].get("data", {}).get("code"))
print(alice.call("add", 2, 5))
alice.close()`,
  );
  expect(out.trim().split('\n')).toEqual([
    'None -32700 INVALID_ARGUMENT',
    'None -32700 INVALID_ARGUMENT',
    'None -32600 INVALID_ARGUMENT',
    '2 -32600 INVALID_ARGUMENT',
    'None -32700 INVALID_ARGUMENT',
    '9 -32008 RESOURCE_EXHAUSTED',
    '7',
  ]);
});
