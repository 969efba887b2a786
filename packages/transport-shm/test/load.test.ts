/**
 * Load: many clients and many calls in flight against one server process,
 * bounded by count and by seconds; every answer is checked (the right
 * client, the right call, the right bytes).
 */
import { connect, createClient } from '@interoffice/core';
import { afterEach, describe, expect, it } from 'vitest';
import { inspectShm, shmTransport } from '../src/index.js';
import { Calculator, child, cleanUp, cleanups, exited, shmUrl, until } from './helpers.js';

afterEach(cleanUp);

describe('load', () => {
  it('6 processes × 300 calls, 16 in flight each, texts up to 64 KB through 16 KB rings', { timeout: 60_000 }, async () => {
    const url = shmUrl();
    await child('calc-server.mjs', [url, JSON.stringify({ ringBytes: 16 * 1024, maxClients: 8 })]);
    const clients = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const { proc, lines } = await child('calc-client.mjs', [url, 'hammer', '300']).catch((e: Error) => {
          throw new Error(`a client failed: ${e.message}`);
        });
        await exited(proc);
        return { code: proc.exitCode, lines };
      }),
    );
    for (const c of clients) expect(c).toEqual({ code: 0, lines: ['ok 300'] });
    // Every slot came back, and the server still serves.
    await until(() => inspectShm(url).slotsInUse === 0);
    const channel = await connect(url, { transports: [shmTransport()] });
    expect(await createClient(Calculator, channel).add({ a: 2, b: 2 })).toBe(4);
    await channel.close();
  });

  it('16 connections × 32 calls in flight for 3 s or 40,000 calls, whichever comes first', async () => {
    const url = shmUrl();
    await child('calc-server.mjs', [url]);
    const transports = [shmTransport()];
    const calcs = await Promise.all(
      Array.from({ length: 16 }, async () => {
        const channel = await connect(url, { transports });
        cleanups.push(() => channel.close());
        return createClient(Calculator, channel);
      }),
    );
    const stopAt = Date.now() + 3000;
    const limit = 40_000;
    let started = 0;
    let answered = 0;
    const wrong: string[] = [];
    await Promise.all(
      calcs.flatMap((calc, c) =>
        Array.from({ length: 32 }, async () => {
          while (started < limit && Date.now() < stopAt) {
            const i = started++;
            if (i % 2 === 0) {
              const sum = await calc.add({ a: i, b: c });
              if (sum !== i + c) wrong.push(`add ${i} on ${c}: ${sum}`);
            } else {
              const text = `${c}/${i}:`.padEnd(i % 300, 'ż');
              const back = await calc.echo({ text });
              if (back !== text) wrong.push(`echo ${i} on ${c}: ${back.slice(0, 40)}`);
            }
            answered++;
          }
        }),
      ),
    );
    expect(wrong).toEqual([]);
    expect(answered).toBe(started);
    expect(answered).toBeGreaterThan(1000); // a busy shared machine still does tens of thousands here
    expect(inspectShm(url).clientPids).toHaveLength(16);
  });
});
