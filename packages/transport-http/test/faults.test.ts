/**
 * What goes wrong on the wire, and what each side then does: pages of
 * other origins, a server that is down (backoff), a peer that stops
 * answering pings, a message far over the limit, a server that goes away
 * mid-stream — and the server keeps serving everyone else.
 */
import { createServer, type Server as NetServer } from 'node:net';
import { connect, createClient, RpcError, serve, type Server } from '@interoffice/core';
import { Calculator, calculator, type Seen, waitFor } from '@interoffice/core/conformance';
import { afterEach, describe, expect, it } from 'vitest';
import { type ClientOptions, WebSocket } from 'ws';
import { httpTransport, wsTransport } from '../src/index.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function start(url: string, transport: ReturnType<typeof wsTransport> | ReturnType<typeof httpTransport>) {
  const seen: Seen = { calls: 0, aborted: [] };
  const server: Server = await serve(calculator(seen), {
    listen: [url],
    transports: [transport],
    logger: { warn() {}, error() {} },
  });
  cleanups.push(() => server.close({ graceMs: 0 }));
  return { seen, server, url: (server.urls[0] as URL).href };
}

/** A raw `ws` client, to be what our client never is (another origin, deaf to pings, oversized). */
function raw(url: string, options: ClientOptions = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    cleanups.push(() => ws.terminate());
  });
}

const closed = (ws: WebSocket): Promise<number> => new Promise((r) => ws.once('close', (code) => r(code)));

async function rejection(p: Promise<unknown>): Promise<RpcError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(RpcError);
  return e as RpcError;
}

describe('ws: origins', () => {
  it('refuses a page of another origin at the handshake (403), and lets in listed ones and its own', async () => {
    const { url, seen } = await start('ws://127.0.0.1:0/rpc/', wsTransport({ allowOrigins: ['https://app.example'] }));
    await expect(raw(url, { origin: 'https://evil.example' })).rejects.toThrow(/403/);
    const listed = await raw(url, { origin: 'https://app.example' });
    const own = await raw(url, { origin: `http://${new URL(url).host}` });
    for (const ws of [listed, own]) {
      const answer = new Promise<string>((r) => ws.once('message', (d) => r(String(d))));
      ws.send('{"jsonrpc":"2.0","id":1,"method":"add","params":[2,5]}');
      expect(JSON.parse(await answer)).toEqual({ jsonrpc: '2.0', id: 1, result: 7 });
    }
    expect(seen.calls).toBe(2);
  });
});

describe('ws: a server that is down', () => {
  it('backs off: attempts in the backoff window fail at once without dialing; the next dials after the delay', async () => {
    // A port where something accepts TCP and hangs up: every handshake fails, and each attempt is counted.
    let dials = 0;
    const sink: NetServer = createServer((s) => {
      dials++;
      s.destroy();
    });
    await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => sink.close(r)));
    const port = (sink.address() as { port: number }).port;
    const transports = [wsTransport({ reconnect: { initialDelayMs: 300, maxDelayMs: 300 } })];
    const url = `ws://127.0.0.1:${port}/rpc/`;
    expect((await rejection(connect(url, { transports }))).code).toBe('UNAVAILABLE');
    expect(dials).toBe(1);
    // Twenty more at once: refused at once, saying when the next attempt will be, and none dials.
    const burst = await Promise.all(Array.from({ length: 20 }, () => rejection(connect(url, { transports }))));
    expect(burst.every((e) => e.code === 'UNAVAILABLE' && /attempt 2 in \d+ ms/.test(e.message))).toBe(true);
    expect(dials).toBe(1);
    // After the delay (300 ms ± 20%), the next attempt dials.
    await waitFor(
      async () => {
        await rejection(connect(url, { transports }));
        return dials === 2;
      },
      { timeoutMs: 3000, what: 'a second dial' },
    );
    expect(dials).toBe(2);
  });

  it('a waitForReady call made while the server is down is served when it comes back', async () => {
    const { url, server } = await start('ws://127.0.0.1:0/rpc/', wsTransport());
    const transports = [wsTransport({ reconnect: { initialDelayMs: 50, maxDelayMs: 400 } })];
    const channel = await connect(url, { transports });
    cleanups.push(() => channel.close());
    const calc = createClient(Calculator, channel);
    expect(await calc.add({ a: 1, b: 1 })).toBe(2);
    await server.close({ graceMs: 0 });
    expect((await rejection(calc.add({ a: 1, b: 1 }))).code).toBe('UNAVAILABLE');
    const waiting = calc.add({ a: 20, b: 22 }, { waitForReady: true, timeout: 8000 });
    await new Promise((r) => setTimeout(r, 300)); // it tries and backs off meanwhile
    const again = await serve(calculator(), { listen: [url], transports: [wsTransport()] });
    cleanups.push(() => again.close({ graceMs: 0 }));
    expect(await waiting).toBe(42);
  });
});

describe('ws: peers that misbehave', () => {
  it('drops a peer that stops answering pings, and serves the others', async () => {
    const { url } = await start('ws://127.0.0.1:0/rpc/', wsTransport({ heartbeatMs: 50 }));
    const deaf = await raw(url, { autoPong: false });
    const fine = await raw(url);
    expect(await closed(deaf)).toBe(1006); // terminated: no closing handshake
    const answer = new Promise<string>((r) => fine.once('message', (d) => r(String(d))));
    fine.send('{"jsonrpc":"2.0","id":1,"method":"add","params":[1,2]}');
    expect(JSON.parse(await answer)).toMatchObject({ result: 3 });
  });

  it('answers a message over the frame limit with RESOURCE_EXHAUSTED, and closes (1009) on one far over it', async () => {
    const maxFrameBytes = 64 * 1024;
    const { url } = await start('ws://127.0.0.1:0/rpc/', wsTransport({ maxFrameBytes }));
    const ws = await raw(url);
    const answer = new Promise<string>((r) => ws.once('message', (d) => r(String(d))));
    ws.send(JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'echo', params: { text: 'z'.repeat(maxFrameBytes) } }));
    expect(JSON.parse(await answer)).toMatchObject({ id: 9, error: { data: { code: 'RESOURCE_EXHAUSTED' } } });
    // Past twice the limit (or the limit and a MiB) the server will not read it: the socket closes.
    const code = closed(ws);
    ws.send('y'.repeat(maxFrameBytes + 2 * 1024 * 1024));
    expect(await code).toBe(1009);
    const client = createClient(Calculator, await connect(url, { transports: [wsTransport({ maxFrameBytes })] }));
    expect(await client.add({ a: 3, b: 4 })).toBe(7);
  });
});

describe('a server that goes away mid-stream', () => {
  for (const scheme of ['http', 'ws'] as const) {
    it(`${scheme}: the stream fails with UNAVAILABLE, not a hang`, async () => {
      const transport = scheme === 'http' ? httpTransport() : wsTransport();
      const { url, server } = await start(`${scheme}://127.0.0.1:0/rpc/`, transport);
      const channel = await connect(url, { transports: [scheme === 'http' ? httpTransport() : wsTransport()] });
      cleanups.push(() => channel.close());
      const calc = createClient(Calculator, channel);
      const items: number[] = [];
      const started = Date.now();
      const e = await rejection(
        (async () => {
          for await (const n of calc.countdown({ from: 1_000_000 })) {
            items.push(n);
            if (items.length === 3) void server.close({ graceMs: 0 });
          }
        })(),
      );
      expect(['UNAVAILABLE', 'CANCELLED']).toContain(e.code);
      expect(items.length).toBeGreaterThanOrEqual(3);
      expect(Date.now() - started).toBeLessThan(5000); // at once, not at some timeout
    });
  }
});
