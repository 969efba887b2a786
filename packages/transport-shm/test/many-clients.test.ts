/**
 * Many client processes at once against one server process, each with many
 * calls in flight and messages larger than the rings: every call is answered
 * once, to the right client, with the right bytes.
 */
import { connect, createClient } from '@interoffice/core';
import { afterEach, describe, expect, it } from 'vitest';
import { inspectShm, shmTransport } from '../src/index.js';
import { Calculator, child, cleanUp, exited, shmUrl, until } from './helpers.js';

afterEach(cleanUp);

describe('many clients', () => {
  it('6 processes × 300 calls, 16 in flight each, texts up to 64 KB through 16 KB rings', { timeout: 60_000 }, async () => {
    const url = shmUrl();
    await child('calc-server.mjs', [url, JSON.stringify({ ringBytes: 16 * 1024, maxClients: 8 })]);
    const clients = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const { proc, lines } = await child('calc-client.mjs', [url, 'hammer', '300']).catch((e: Error) => {
          throw new Error(`a client failed: ${e.message}`);
        });
        await exited(proc);
        const code = proc.exitCode;
        return { code, lines };
      }),
    );
    for (const c of clients) expect(c).toEqual({ code: 0, lines: ['ok 300'] });
    // Every slot came back, and the server still serves.
    await until(() => inspectShm(url).slotsInUse === 0);
    const channel = await connect(url, { transports: [shmTransport()] });
    expect(await createClient(Calculator, channel).add({ a: 2, b: 2 })).toBe(4);
    await channel.close();
  });
});
