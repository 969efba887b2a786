/**
 * A caller that stops reading a long server stream, on a medium that carries no credit (HTTP,
 * the shared file): its client reads no further than core's item window ahead of the caller
 * (MessageConnection.taken), so the medium's own backpressure holds the server's generator.
 * What runs ahead is bounded by the medium's buffers, not by the stream's length.
 */
import { connect, createClient, defineService, implement, serve, serverStream, type Transport } from '@interoffice/core';
import { expect } from 'vitest';
import { z } from 'zod';

const Ticks = defineService('Ticks', {
  ticks: serverStream({ input: z.object({ n: z.number().int() }), output: z.number() }),
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Serve Ticks at `url`, read 10 items of a stream of `total` and stop: the generator stops
 * too, short of `total / 4`; reading again, the stream goes on where the caller left it.
 * Returns how many items the generator ran ahead.
 */
export async function checkSlowReader(url: string, transport: Transport, cleanups: (() => unknown)[], total: number) {
  let yielded = 0;
  const impl = implement(Ticks, {
    async *ticks({ n }) {
      for (let i = 0; i < n; i++) {
        yielded++;
        yield i;
      }
    },
  });
  const server = await serve(impl, { listen: [url], transports: [transport] });
  cleanups.push(() => server.close({ graceMs: 0 }));
  const channel = await connect((server.urls[0] as URL).href, { transports: [transport] });
  cleanups.push(() => channel.close());
  const it = createClient(Ticks, channel).ticks({ n: total }, { timeout: 60_000 })[Symbol.asyncIterator]();
  for (let i = 0; i < 10; i++) expect((await it.next()).value).toBe(i);

  // It runs ahead until the medium's buffers are full, then stops: still after another half second.
  let last = -1;
  for (let waited = 0; yielded !== last && waited < 10_000; waited += 250) {
    last = yielded;
    await sleep(250);
  }
  await sleep(500);
  expect(yielded).toBe(last);
  expect(yielded).toBeLessThan(total / 4);

  for (let i = 10; i < 10_000; i++) expect((await it.next()).value).toBe(i);
  await it.return?.();
  return last;
}
