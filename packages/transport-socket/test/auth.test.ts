import { randomBytes } from 'node:crypto';
import { symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { connect, createClient, serve } from '@interoffice/core';
import { afterEach, describe, expect, it } from 'vitest';
import { Refusal } from '../src/handshake.js';
import { socketTransport } from '../src/index.js';
import { RefusalLog } from '../src/refusals.js';
import { calculator, Calculator, fixture, memoryLogger, RawSocket, socketPath, until } from './helpers.js';

const KEY = 'Do not let eve find us!';
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

async function keyedServer(log = memoryLogger(), listen = `unix://${socketPath()}`) {
  const seen = { calls: 0, aborted: [] as unknown[] };
  const server = await serve(calculator(seen), {
    listen: [listen],
    transports: [socketTransport({ authKey: KEY, logger: log, handshakeTimeoutMs: 500 })],
  });
  closers.push(() => server.close());
  const url = (server.urls[0] as URL).href;
  return { url, path: listen.startsWith('unix:') ? new URL(listen).pathname : '', seen, log };
}

/** The relay fixture between a client and `server`: its URL, and the process. */
async function relayTo(server: string) {
  const target = server.startsWith('unix:') ? new URL(server).pathname : new URL(server).port;
  const relay = fixture('relay.mjs', [server.startsWith('unix:') ? socketPath() : '0', target]);
  closers.push(async () => void relay.child.kill('SIGKILL'));
  const [, at] = (await relay.waitFor(/ready (\S+)/)) as [string, string];
  return { relay, url: server.startsWith('unix:') ? `unix://${at}` : `tcp://127.0.0.1:${at}` };
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
    await expect(until(() => log.warnings.length > 0)).resolves.toBeUndefined();
    expect(log.warnings.join('\n')).toMatch(/refused .*\.sock#1 on unix:.*: the peer hung up on our proof: a different key/);
    expect(seen.calls).toBe(0);
  });

  it('executes nothing from a peer that skips the handshake', async () => {
    const { path, seen, log } = await keyedServer();
    const raw = await RawSocket.open(path);
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
    raw.write(
      `{"jsonrpc":"2.0","method":"rpc.auth.hello","params":{"alg":"hmac-sha256","nonce":"${randomBytes(32).toString('base64')}"}}\n`,
    );
    expect(await raw.next()).toMatchObject({
      method: 'rpc.auth.challenge',
      params: { alg: 'hmac-sha256', address: `unix://${path}` },
    });
    await raw.closed(2000); // silence, then the server's timeout
    expect(log.warnings.join('\n')).toMatch(/no authentication within 500 ms/);
  });

  it('makes the server prove the key too: a keyless server is not trusted by a keyed client', async () => {
    const path = socketPath();
    const server = await serve(calculator(), { listen: [`unix://${path}`], transports: [socketTransport()] });
    closers.push(() => server.close());
    const keyed = [socketTransport({ authKey: KEY })];
    const started = performance.now();
    await expect(connect(`unix://${path}`, { transports: keyed })).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
      message: expect.stringMatching(/^the server asks for no key/),
    });
    // Said at once: the server answers the hello (a request) as one it does not know, not after the 5 s timeout.
    expect(performance.now() - started).toBeLessThan(2500);
  });

  // Issue #20, finding 13: a refused handshake logged a line per attempt.
  it('logs a flood of bad handshakes in a bounded number of lines, and refuses every one', async () => {
    const log = memoryLogger();
    const path = socketPath();
    const server = await serve(calculator(), {
      listen: [`unix://${path}`],
      transports: [socketTransport({ authKey: KEY, logger: log })],
    });
    const flood = 100;
    const hello = `{"jsonrpc":"2.0","method":"rpc.auth.hello","params":{"alg":"hmac-sha256","nonce":"${randomBytes(32).toString('base64')}"}}\n`;
    for (let i = 0; i < flood; i += 20) {
      await Promise.all(
        Array.from({ length: 20 }, async (_, j) => {
          const raw = await RawSocket.open(path);
          if (j % 2 === 0) {
            // A plain request instead of the handshake.
            raw.write('{"jsonrpc":"2.0","id":1,"method":"add","params":[2,5]}\n');
          } else {
            // A handshake with a MAC made without the key.
            raw.write(hello);
            expect(await raw.next()).toMatchObject({ method: 'rpc.auth.challenge' });
            raw.write(
              `{"jsonrpc":"2.0","method":"rpc.auth.response","params":{"mac":"${randomBytes(32).toString('base64')}"}}\n`,
            );
          }
          expect(await raw.next()).toMatchObject({ id: null, error: { data: { code: 'UNAUTHENTICATED' } } });
          await raw.closed();
        }),
      );
    }
    // The first refusal of each cause, at once; the rest as a count.
    expect(log.warnings).toHaveLength(2);
    expect(log.warnings.join('\n')).toMatch(/: wrong key\n.*: no authentication hello|: no authentication hello\n.*: wrong key/);
    await server.close();
    expect(log.warnings).toHaveLength(3);
    expect(log.warnings[2]).toMatch(
      new RegExp(`refused ${flood - 2} more handshakes on unix://${path} \\(malformed: 49, wrong key: 49\\)`),
    );
  });

  it('rate-limits by interval: the count held back, then a first refusal again; at most 32 peers by name', async () => {
    const log = memoryLogger();
    const refusals = new RefusalLog('tcp://127.0.0.1:7070', log, 50);
    const wrong = new Refusal('wrong key', 'wrong key');
    for (let i = 0; i < 5; i++) refusals.refused('10.0.0.1', `10.0.0.1:${4000 + i}`, wrong);
    expect(log.warnings).toEqual(['refused 10.0.0.1:4000 on tcp://127.0.0.1:7070: wrong key']);
    await until(() => log.warnings.length === 2);
    expect(log.warnings[1]).toBe('refused 4 more handshakes on tcp://127.0.0.1:7070 (wrong key: 4)');
    refusals.refused('10.0.0.1', '10.0.0.1:4100', new Refusal('timeout', 'no authentication within 5000 ms'));
    expect(log.warnings).toHaveLength(3); // a new interval: named at once
    for (let i = 0; i < 40; i++) refusals.refused(`10.0.1.${i}`, `10.0.1.${i}:5000`, wrong);
    expect(log.warnings).toHaveLength(3 + 31);
    refusals.flush();
    expect(log.warnings.at(-1)).toBe('refused 9 more handshakes on tcp://127.0.0.1:7070 (wrong key: 9)');
  });

  it('checks its options, naming the transport', () => {
    expect(() => socketTransport({ authKey: '' })).toThrow(/socketTransport: authKey must not be empty/);
    expect(() => socketTransport({ expectOwner: -1 })).toThrow(/expectOwner must be a uid or 'any' \(got -1\)/);
    expect(() => socketTransport({ expectOwner: 'me' as 'any' })).toThrow(/expectOwner must be a uid or 'any'/);
    expect(() => socketTransport({ maxBufferedBytes: 0 })).toThrow(
      /socketTransport: maxBufferedBytes must be a whole number ≥ 1/,
    );
    expect(() => socketTransport({ handshakeTimeoutMs: 1.5 })).toThrow(
      /socketTransport: handshakeTimeoutMs must be a whole number ≥ 1/,
    );
    expect(() => socketTransport({ maxFrameBytes: 10 })).toThrow(/socketTransport: maxFrameBytes must be/);
  });
});

// Issue #20, finding 5: a keyless process where the client dials passes the real server's
// handshake through, then makes calls of its own on the authenticated connection.
describe('a keyless relay where the client dials', () => {
  for (const listen of ['unix', 'tcp'] as const) {
    it(`gets no authenticated connection and runs nothing (${listen})`, async () => {
      const { url, seen } = await keyedServer(memoryLogger(), listen === 'unix' ? `unix://${socketPath()}` : 'tcp://127.0.0.1:0');
      const { relay, url: viaRelay } = await relayTo(url);
      const keyed = [socketTransport({ authKey: KEY })];
      await expect(connect(viaRelay, { transports: keyed })).rejects.toMatchObject({
        code: 'UNAUTHENTICATED',
        message: expect.stringMatching(/answered for .* but we dialed .*: a relay, a port forward or a proxy/),
      });
      // Once the server has dropped the relay's connection, nothing more can come through it.
      await relay.waitFor(/upstream closed/);
      expect(relay.output()).not.toMatch(/relay got/);
      expect(seen.calls).toBe(0);
      // The real server is still there for a client that dials it.
      expect(await createClient(Calculator, await connect(url, { transports: keyed })).add({ a: 2, b: 5 })).toBe(7);
    });
  }

  it('does not stand in the way of the real server: through a symlink to its socket, or a dual-stack port over IPv4', async () => {
    const { url, path } = await keyedServer();
    const link = socketPath();
    symlinkSync(path, link);
    const keyed = [socketTransport({ authKey: KEY })];
    expect(await createClient(Calculator, await connect(`unix://${link}`, { transports: keyed })).add({ a: 1, b: 2 })).toBe(3);
    const tcp = await keyedServer(memoryLogger(), 'tcp://[::]:0');
    const v4 = `tcp://127.0.0.1:${new URL(tcp.url).port}`;
    expect(await createClient(Calculator, await connect(v4, { transports: keyed })).add({ a: 1, b: 2 })).toBe(3);
    expect(url).toMatch(/^unix:/);
  });

  it('is let through by a client that allows forwarding: then it can make calls of its own', async () => {
    const { url, seen } = await keyedServer(memoryLogger(), 'tcp://127.0.0.1:0');
    const { relay, url: viaRelay } = await relayTo(url);
    const channel = await connect(viaRelay, { transports: [socketTransport({ authKey: KEY, allowForwarding: true })] });
    closers.push(() => channel.close());
    expect(await createClient(Calculator, channel).add({ a: 2, b: 5 })).toBe(7);
    await relay.waitFor(/relay got .*"result":42/);
    expect(seen.calls).toBe(2);
  });
});

/** A hello line as a client sends it, with a fresh nonce. */
const helloLine = (): string =>
  `{"jsonrpc":"2.0","id":"rpc.auth.hello","method":"rpc.auth.hello","params":{"alg":"hmac-sha256","nonce":"${randomBytes(32).toString('base64')}"}}\n`;

/**
 * A fake server that knows no key: it sends a challenge with a made-up proof,
 * welcomes whatever response comes, and answers every call with 666.
 */
async function impostor(path: string) {
  const heard: string[] = [];
  const server = createServer((socket) => {
    let rest = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        heard.push(line);
        const msg = JSON.parse(line) as { id?: unknown; method?: string };
        if (msg.method === 'rpc.auth.hello') {
          const params = { alg: 'hmac-sha256', nonce: randomBytes(32).toString('base64'), address: `unix://${path}` };
          socket.write(
            `${JSON.stringify({ jsonrpc: '2.0', method: 'rpc.auth.challenge', params: { ...params, mac: randomBytes(32).toString('base64') } })}\n`,
          );
          // The welcome follows at once: a client that skipped the proof would take it.
          socket.write('{"jsonrpc":"2.0","method":"rpc.auth.welcome","params":{}}\n');
        } else if (msg.id !== undefined) socket.write(`${JSON.stringify({ jsonrpc: '2.0', id: msg.id, result: 666 })}\n`);
      }
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(path, r));
  closers.push(() => new Promise((r) => server.close(() => r())));
  return heard;
}

// Issue #21: the keyless server above never sends a challenge, so the client's check of the
// server's proof was never reached; a server that proves nothing must be refused by it.
describe("the client's check of the server's proof", () => {
  it('refuses a server that sends a challenge with a proof not made with the key, and makes no call', async () => {
    const path = socketPath();
    const heard = await impostor(path);
    const keyed = [socketTransport({ authKey: KEY })];
    let answered: unknown;
    const attempt = connect(`unix://${path}`, { transports: keyed }).then(async (channel) => {
      closers.push(() => channel.close());
      answered = await createClient(Calculator, channel).add({ a: 2, b: 5 });
    });
    await expect(attempt).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
      message: "the server's proof does not match our key: a different key, or not the server we meant",
    });
    expect(answered).toBeUndefined(); // never the impostor's 666
    // The client sent its hello and nothing more: no proof of its own key, no call.
    expect(heard.map((l) => (JSON.parse(l) as { method?: string }).method)).toEqual(['rpc.auth.hello']);
  });
});

// Issue #21: a server that took any key was caught only by a log line; here a peer that
// ignores the server's proof and answers with a MAC made without the key must get no call run.
describe("the server's check of the client's proof", () => {
  it('runs no call from a peer whose response is not made with the key', async () => {
    const { path, seen } = await keyedServer();
    const raw = await RawSocket.open(path);
    closers.push(async () => raw.close());
    raw.write(helloLine());
    expect(await raw.next()).toMatchObject({ method: 'rpc.auth.challenge' });
    raw.write(`{"jsonrpc":"2.0","method":"rpc.auth.response","params":{"mac":"${randomBytes(32).toString('base64')}"}}\n`);
    raw.write('{"jsonrpc":"2.0","id":7,"method":"add","params":[2,5]}\n');
    expect(await raw.next()).toMatchObject({ id: null, error: { code: -32016, data: { code: 'UNAUTHENTICATED' } } });
    await raw.closed();
    expect(raw.lines).toEqual([]); // no welcome, no answer to the call
    expect(seen.calls).toBe(0);
  });
});
