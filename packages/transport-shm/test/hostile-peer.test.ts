/**
 * Malformed and oversized frames written into the request ring by another process (a Python
 * peer built on examples/python/shm_client.py) get an error answer each, or lose that
 * connection with a reason, and the server keeps serving (issue #21's fault matrix).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, expect, it } from 'vitest';
import { cleanUp, inProcess, shmUrl } from './helpers.js';

const run = promisify(execFile);
const folder = new URL('../../../examples/python/', import.meta.url).pathname;
const limit = 64 * 1024;

afterEach(cleanUp);

/** Run Python `code` with `alice` connected to shm segment `name`; resolves with its stdout. */
async function python(name: string, code: string): Promise<string> {
  const program = `import sys, json\nsys.path.insert(0, ${JSON.stringify(folder)})\nfrom shm_client import Alice\nalice = Alice(${JSON.stringify(name)})\n${code}\n`;
  const { stdout } = await run('/usr/bin/python3', ['-c', program], { timeout: 30_000 });
  return stdout;
}

it('frames that are not JSON-RPC, and params of the wrong type, get error answers on the same connection, which keeps serving', async () => {
  const url = shmUrl();
  const { seen } = await inProcess(url, { maxFrameBytes: limit });
  const out = await python(
    new URL(url).host,
    `for frame in [b"this is not json", b'{"jsonrpc":"2.0","id":1,"method":', b"[]", b'{"jsonrpc":"2.0","id":2,"method":"add","params":"two and five"}', b'{"jsonrpc":"2.0","id":3,"method":"add","params":{"a":"two","b":5}}', b"\\xff\\xfe"]:
    alice.write(frame)
    reply = json.loads(alice.read())
    print(reply["id"], reply["error"]["code"])
print(alice.call("add", 2, 5))
alice.close()`,
  );
  expect(out.trim().split('\n')).toEqual([
    'None -32700',
    'None -32700',
    'None -32600',
    '2 -32600',
    '3 -32602',
    'None -32700',
    '7',
  ]);
  expect(seen.calls).toBe(1);
});

it('a frame over maxFrameBytes is refused with RESOURCE_EXHAUSTED; the next call on the connection works', async () => {
  const url = shmUrl();
  await inProcess(url, { maxFrameBytes: limit });
  const out = await python(
    new URL(url).host,
    `alice.write(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "add", "params": {"a": 1, "b": 2, "pad": "x" * ${limit + 1}}}).encode())
reply = json.loads(alice.read())
print(reply["id"], reply["error"]["code"], reply["error"]["data"]["code"])
print(alice.call("add", 2, 5))
alice.close()`,
  );
  expect(out.trim().split('\n')).toEqual(['1 -32008 RESOURCE_EXHAUSTED', '7']);
});
