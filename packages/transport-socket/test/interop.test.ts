/**
 * A stock JSON-RPC 2.0 client (the `json-rpc-2.0` package), unchanged, over
 * a plain unix socket: it knows nothing of Interoffice's extensions.
 */
import { createConnection } from 'node:net';
import { serve } from '@interoffice/core';
import { JSONRPCClient, JSONRPCErrorException } from 'json-rpc-2.0';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { socketTransport } from '../src/index.js';
import { calculator, socketPath } from './helpers.js';

const path = socketPath();
let close: () => Promise<void>;
let client: JSONRPCClient;

beforeAll(async () => {
  const server = await serve(calculator(), { listen: [`unix://${path}`], transports: [socketTransport()] });
  const socket = createConnection(path);
  await new Promise((r) => socket.once('connect', r));
  client = new JSONRPCClient((request) => {
    socket.write(`${JSON.stringify(request)}\n`);
  });
  let rest = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) client.receive(JSON.parse(line));
  });
  close = async () => {
    socket.destroy();
    await server.close();
  };
});
afterAll(() => close());

describe('the json-rpc-2.0 package as a client', () => {
  it('calls by short and qualified name, positional and named params', async () => {
    expect(await client.request('add', [2, 5])).toBe(7);
    expect(await client.request('Calculator.add', { a: 8, b: 5 })).toBe(13);
  });

  it('gets JSON-RPC error codes it understands', async () => {
    const invalid = await Promise.resolve(client.request('add', ['bad', 'data'])).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(JSONRPCErrorException);
    expect((invalid as JSONRPCErrorException).code).toBe(-32602);
    const missing = await Promise.resolve(client.request('subtract', [1, 2])).catch((e: unknown) => e);
    expect((missing as JSONRPCErrorException).code).toBe(-32601);
  });

  it('sends batches and notifications', async () => {
    const responses = await client.requestAdvanced([
      { jsonrpc: '2.0', id: 1, method: 'add', params: [1, 2] },
      { jsonrpc: '2.0', id: 2, method: 'echo', params: { text: 'batch' } },
    ]);
    expect(responses.map((r) => r.result).sort()).toEqual([3, 'batch']);
    client.notify('add', [1, 1]); // no response expected, none must confuse the client
    expect(await client.request('add', [20, 22])).toBe(42);
  });
});
