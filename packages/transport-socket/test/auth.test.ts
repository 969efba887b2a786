import { connect, createClient, serve } from '@interoffice/core';
import { afterEach, describe, expect, it } from 'vitest';
import { socketTransport } from '../src/index.js';
import { calculator, Calculator, memoryLogger, RawSocket, socketPath } from './helpers.js';

const KEY = 'Do not let eve find us!';
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

async function keyedServer(log = memoryLogger()) {
  const seen = { calls: 0, aborted: [] as unknown[] };
  const path = socketPath();
  const server = await serve(calculator(seen), {
    listen: [`unix://${path}`],
    transports: [socketTransport({ authKey: KEY, logger: log, handshakeTimeoutMs: 500 })],
  });
  closers.push(() => server.close());
  return { url: `unix://${path}`, path, seen, log };
}

describe('shared-key authentication', () => {
  it('lets a client with the key call', async () => {
    const { url } = await keyedServer();
    const calc = createClient(Calculator, await connect(url, { transports: [socketTransport({ authKey: KEY })] }));
    expect(await calc.add({ a: 2, b: 5 })).toBe(7);
  });

  it('refuses a wrong key, logs it, and executes nothing', async () => {
    const { url, seen, log } = await keyedServer();
    const wrong = [socketTransport({ authKey: 'eve was here' })];
    await expect(connect(url, { transports: wrong })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(log.warnings.join('\n')).toMatch(/refused unix: peer .*wrong key/);
    expect(seen.calls).toBe(0);
  });

  it('executes nothing from a peer that skips the handshake', async () => {
    const { path, seen, log } = await keyedServer();
    const raw = await RawSocket.open(path);
    expect(await raw.next()).toMatchObject({ method: 'rpc.auth.challenge', params: { alg: 'hmac-sha256' } });
    raw.write('{"jsonrpc":"2.0","id":1,"method":"add","params":[2,5]}\n');
    expect(await raw.next()).toMatchObject({ id: null, error: { data: { code: 'UNAUTHENTICATED' } } });
    await raw.closed();
    expect(seen.calls).toBe(0);
    expect(log.warnings).toHaveLength(1);
  });

  it('tells a client without a key that the server wants one', async () => {
    const { url, seen } = await keyedServer();
    const calc = createClient(Calculator, await connect(url, { transports: [socketTransport()] }));
    await expect(calc.add({ a: 1, b: 2 })).rejects.toMatchObject({ code: 'UNAUTHENTICATED', message: /requires a shared key/ });
    expect(seen.calls).toBe(0);
  });

  it('drops a peer that never answers the challenge', async () => {
    const { path, log } = await keyedServer();
    const raw = await RawSocket.open(path);
    await raw.next(); // the challenge; then silence
    await raw.closed(2000);
    expect(log.warnings.join('\n')).toMatch(/no authentication response/);
  });

  it('makes the server prove the key too: a keyless server is not trusted by a keyed client', async () => {
    const path = socketPath();
    const server = await serve(calculator(), { listen: [`unix://${path}`], transports: [socketTransport()] });
    closers.push(() => server.close());
    const keyed = [socketTransport({ authKey: KEY, handshakeTimeoutMs: 300 })];
    await expect(connect(`unix://${path}`, { transports: keyed })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('refuses an empty key', () => {
    expect(() => socketTransport({ authKey: '' })).toThrow(/must not be empty/);
  });
});
