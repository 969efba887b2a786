/**
 * Keepalive on the socket transport: a server process stopped with SIGSTOP while a call
 * waits on it is noticed within the configured time (the call fails UNAVAILABLE, saying
 * why), and once it runs again (SIGCONT) the next call connects anew. A server that is
 * merely slow answers pings and keeps its calls. A plain JSON-RPC peer that does not know
 * `rpc.ping` still proves it is there by answering "method not found".
 */
import { fork } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import { connect, createClient, rawCall, type RpcError } from '@interoffice/core';
import { afterEach, describe, expect, it } from 'vitest';
import { socketTransport } from '../src/index.js';
import { Calculator, socketPath } from './helpers.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const keepalive = { intervalMs: 200, timeoutMs: 400 };

/** The fixture server in its own process; resolves with its pid and the URL it bound. */
function child(url: string): Promise<{ pid: number; url: string }> {
  const c = fork(new URL('./fixtures/calc-server.mjs', import.meta.url), [url], { stdio: 'pipe' });
  cleanups.push(() => {
    c.kill('SIGCONT');
    c.kill('SIGKILL');
  });
  return new Promise((resolve, reject) => {
    c.stdout?.once('data', (t: Buffer) =>
      resolve({
        pid: c.pid as number,
        url: String(t)
          .trim()
          .replace(/^ready /, ''),
      }),
    );
    c.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

async function client(url: string) {
  const channel = await connect(url, { transports: [socketTransport()], keepalive });
  cleanups.push(() => channel.close());
  return createClient(Calculator, channel);
}

describe('keepalive', () => {
  for (const scheme of ['unix', 'tcp'] as const) {
    it(`${scheme}: a stopped server is noticed while a call waits; after SIGCONT the next call reconnects`, async () => {
      const server = await child(scheme === 'unix' ? `unix://${socketPath()}` : 'tcp://127.0.0.1:0');
      const calc = await client(server.url);
      expect(await calc.add({ a: 1, b: 1 })).toBe(2);
      const waiting = calc.wait({ ms: 20_000 }, { timeout: 30_000 }).then(
        () => undefined,
        (e: RpcError) => e,
      );
      process.kill(server.pid, 'SIGSTOP');
      const stoppedAt = Date.now();
      const e = await waiting;
      // Silence for intervalMs (200), then a ping unanswered for timeoutMs (400): noticed in about 600 ms.
      expect(Date.now() - stoppedAt).toBeLessThan(5000); // not the call's 20 s (room for a loaded machine)
      expect(e?.code).toBe('UNAVAILABLE');
      expect(e?.message).toMatch(/no answer from the server for \d+ ms, a keepalive ping included/);
      process.kill(server.pid, 'SIGCONT');
      expect(await calc.add({ a: 20, b: 22 })).toBe(42);
    });
  }

  it('a slow call on a server that is there is not cut short: pings are answered while it runs', async () => {
    const server = await child(`unix://${socketPath()}`);
    const calc = await client(server.url);
    // Five keepalive periods of a call whose server says nothing else.
    expect(await calc.wait({ ms: 1500 })).toBe('waited');
    // What the pings get from an Interoffice server.
    const channel = await connect(server.url, { transports: [socketTransport()] });
    cleanups.push(() => channel.close());
    expect(await rawCall(channel, 'rpc.ping', undefined)).toBe('pong');
  });

  it('a plain JSON-RPC server that does not know rpc.ping answers "method not found", which shows it is there', async () => {
    const path = socketPath();
    const pings: string[] = [];
    const plain = createServer((socket: Socket) => {
      let buffered = '';
      socket.on('data', (chunk) => {
        buffered += String(chunk);
        for (let nl = buffered.indexOf('\n'); nl !== -1; nl = buffered.indexOf('\n')) {
          const msg = JSON.parse(buffered.slice(0, nl)) as { id: number; method: string };
          buffered = buffered.slice(nl + 1);
          if (msg.method === 'rpc.ping') {
            pings.push(msg.method);
            socket.write(
              `${JSON.stringify({ jsonrpc: '2.0', id: msg.id, error: { code: -32601, message: 'Method not found' } })}\n`,
            );
          } else if (msg.method.endsWith('wait')) {
            setTimeout(() => socket.write(`${JSON.stringify({ jsonrpc: '2.0', id: msg.id, result: 'waited' })}\n`), 1200);
          }
        }
      });
    });
    await new Promise<void>((r) => plain.listen(path, r));
    cleanups.push(() => new Promise((r) => plain.close(r)));
    const calc = await client(`unix://${path}`);
    expect(await calc.wait({ ms: 1200 })).toBe('waited');
    expect(pings.length).toBeGreaterThan(0);
  });
});
