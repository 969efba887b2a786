/**
 * Python peers through the documented wire formats: examples/python/http_bob.py
 * (urllib, the standard library) and ws_bob.py (the `websockets` package) call a
 * TS Calculator — calls, errors, GET for a read, a server stream, a deadline
 * header, pipelined calls answered out of order, a cancel, and a refused origin.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { serve, type Server } from '@interoffice/core';
import { calculator, type Seen } from '@interoffice/core/conformance';
import { afterEach, describe, expect, it } from 'vitest';
import { httpTransport, wsTransport } from '../src/index.js';

const run = promisify(execFile);
const python = '/usr/bin/python3';
const example = (name: string): string => new URL(`../../../examples/python/${name}`, import.meta.url).pathname;

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close({ graceMs: 0 });
});

async function start(url: string, transport: ReturnType<typeof httpTransport> | ReturnType<typeof wsTransport>) {
  const seen: Seen = { calls: 0, aborted: [] };
  const server = await serve(calculator(seen), { listen: [url], transports: [transport], logger: { warn() {}, error() {} } });
  servers.push(server);
  return { seen, url: (server.urls[0] as URL).href };
}

describe('examples/python/http_bob.py (urllib) calls a TS service over HTTP', () => {
  it('calls, reads by GET, streams NDJSON, and its deadline header stops a slow call', async () => {
    const { url, seen } = await start('http://127.0.0.1:0/rpc/', httpTransport());
    const { stdout } = await run(python, [example('http_bob.py'), url], { timeout: 20_000 });
    expect(stdout.split('\n')).toEqual([
      'add(2, 5) = 7',
      'multiply(8, 5) = 40',
      'GET add?a=2&b=5 = 7',
      'GET divide refused: FAILED_PRECONDITION',
      'divide(1, 0) failed: INVALID_ARGUMENT AliceBroke: division by zero',
      'countdown(3) = [3, 2, 1, 0]',
      'wait(5000) with a 200 ms deadline failed: DEADLINE_EXCEEDED',
      '',
    ]);
    // The slow call was stopped on the server at its deadline, not left to run its 5 s.
    expect(seen.aborted).toMatchObject([{ code: 'DEADLINE_EXCEEDED' }]);
  });
});

describe('examples/python/ws_bob.py (websockets) calls a TS service over WebSocket', () => {
  it('pipelines calls on one connection, streams, cancels', async () => {
    const { url, seen } = await start('ws://127.0.0.1:0/rpc/', wsTransport());
    const { stdout } = await run(python, [example('ws_bob.py'), url], { timeout: 20_000 });
    expect(stdout.split('\n')).toEqual([
      'add(2, 5) = 7',
      'divide(1, 0) failed: INVALID_ARGUMENT AliceBroke: division by zero',
      'first answer: id 4 = 40',
      'then: id 3 = waited',
      'countdown(3) = [3, 2, 1, 0]',
      'wait(5000) cancelled: CANCELLED: cancelled by the caller',
      '',
    ]);
    expect(seen.aborted).toMatchObject([{ code: 'CANCELLED' }]);
  });

  it('is refused as a page of an origin the server does not list, and let in when listed', async () => {
    const refused = await start('ws://127.0.0.1:0/rpc/', wsTransport());
    const { stdout } = await run(python, [example('ws_bob.py'), refused.url, 'https://evil.example'], { timeout: 20_000 });
    expect(stdout).toBe('refused: HTTP 403\n');
    expect(refused.seen.calls).toBe(0);
    const listed = await start('ws://127.0.0.1:0/rpc/', wsTransport({ allowOrigins: ['https://app.example'] }));
    const ok = await run(python, [example('ws_bob.py'), listed.url, 'https://app.example'], { timeout: 20_000 });
    expect(ok.stdout.split('\n')[0]).toBe('add(2, 5) = 7');
  });
});
