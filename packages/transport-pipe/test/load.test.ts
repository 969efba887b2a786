/**
 * Load, bounded by count and by seconds, every answer checked. On FIFOs,
 * each client talks over a pair of its own, opened with one atomic line on
 * the shared requests FIFO, so messages far larger than PIPE_BUF (4096)
 * arrive whole however many clients write at once.
 */
import { connect, createClient, serve, type Channel } from '@interoffice/core';
import { afterEach, describe, expect, it } from 'vitest';
import { pipeTransport } from '../src/index.js';
import { calculator, Calculator, Child, fixture, freshPath, quiet, type Seen } from './helpers.js';

const transports = [pipeTransport()];
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function open(url: string, options = transports): Promise<Channel> {
  const channel = await connect(url, { transports: options });
  cleanups.push(() => channel.close());
  return channel;
}

/**
 * `lanes` calls in flight on each channel until `limit` calls or `ms` have
 * passed: adds and echoes of up to 2 KB, each answer compared with what it
 * should be. Returns the calls answered and the wrong answers.
 */
async function hammer(channels: Channel[], lanes: number, limit: number, ms: number) {
  const stopAt = Date.now() + ms;
  let started = 0;
  let answered = 0;
  const wrong: string[] = [];
  await Promise.all(
    channels.flatMap((channel, c) => {
      const calc = createClient(Calculator, channel);
      return Array.from({ length: lanes }, async () => {
        while (started < limit && Date.now() < stopAt) {
          const i = started++;
          if (i % 2 === 0) {
            const sum = await calc.add({ a: i, b: c });
            if (sum !== i + c) wrong.push(`add ${i} on ${c}: ${sum}`);
          } else {
            const text = `${c}/${i}:`.padEnd((i * 7) % 2048, 'ż');
            const back = await calc.echo({ text });
            if (back !== text) wrong.push(`echo ${i} on ${c}: ${back.slice(0, 40)}`);
          }
          answered++;
        }
      });
    }),
  );
  return { started, answered, wrong };
}

describe('fifo: many clients', () => {
  it('deliver messages of 256 KB whole while six client processes write at once', async () => {
    const seen: Seen = { calls: 0, aborted: [], echoed: [] };
    const url = `fifo://${freshPath('many')}`;
    const server = await serve(calculator(seen), { listen: [url], transports, logger: quiet });
    cleanups.push(() => server.close({ graceMs: 0 }));
    const letters = ['a', 'b', 'c', 'd', 'e', 'f'];
    const bytes = 256 * 1024;
    const clients = letters.map((l) => new Child(process.execPath, [fixture('fifo-writer.mjs'), url, l, '8', String(bytes)]));
    for (const c of clients) cleanups.push(() => c.kill());
    for (const c of clients) await c.line(/ok 8|WRONG/, 30_000);
    expect(clients.map((c) => c.stdout.trim())).toEqual(letters.map(() => 'ok 8'));
    // What the server received: each message one client's letter throughout, at full length.
    expect(seen.echoed).toHaveLength(48);
    for (const text of seen.echoed) {
      expect(text.length).toBe(bytes);
      expect(text).toMatch(/^([a-f])\d+:\1+$/);
    }
  });

  it('fifty connections opened at once, 8 calls in flight each, for 3 s or 20,000 calls', async () => {
    const url = `fifo://${freshPath('fifty')}`;
    const server = new Child(process.execPath, [fixture('calc-server.mjs'), url]);
    cleanups.push(() => server.kill());
    await server.line(/ready/);
    const channels = await Promise.all(Array.from({ length: 50 }, () => open(url)));
    const { started, answered, wrong } = await hammer(channels, 8, 20_000, 3000);
    expect(wrong).toEqual([]);
    expect(answered).toBe(started);
    expect(answered).toBeGreaterThan(1000);
  });
});

describe('stdio: one child', () => {
  it('64 calls in flight for 3 s or 20,000 calls', async () => {
    const command = [process.execPath, fixture('calc-server.mjs'), 'stdio:'];
    const channel = await open('stdio:', [pipeTransport({ command, stderr: 'ignore' })]);
    const { started, answered, wrong } = await hammer([channel], 64, 20_000, 3000);
    expect(wrong).toEqual([]);
    expect(answered).toBe(started);
    expect(answered).toBeGreaterThan(1000);
  });
});
