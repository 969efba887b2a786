/**
 * A caller that stops reading a long server stream, on a medium that carries no credit (HTTP,
 * the shared file): its client reads no further than core's item window ahead of the caller
 * (MessageConnection.taken), so the medium's own backpressure holds the server's generator.
 * What runs ahead is bounded by the medium's buffers, not by the stream's length.
 */
import { connect, createClient, defineService, implement, serve, serverStream, type Transport } from '@interoffice/core';
import { expect } from 'vitest';
import { z } from 'zod';
import { until } from './until.js';

const Ticks = defineService('Ticks', {
  ticks: serverStream({ input: z.object({ n: z.number().int() }), output: z.number() }),
});

/** A generator that yields nothing for this long is taken as held: a running one yields every few µs. */
const QUIET_MS = 500;

/**
 * Serve Ticks at `url`, read 10 items of a stream of `total` and stop: the generator stops
 * too, short of `total / 4`; reading again, the stream goes on where the caller left it.
 * Returns how many items the generator ran ahead.
 */
export async function checkSlowReader(url: string, transport: Transport, cleanups: (() => unknown)[], total: number) {
  let yielded = 0;
  let lastYield = Date.now();
  const impl = implement(Ticks, {
    async *ticks({ n }) {
      for (let i = 0; i < n; i++) {
        yielded++;
        lastYield = Date.now();
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

  // It runs ahead until the medium's buffers are full, then stops: no item for half a second.
  await until(() => Date.now() - lastYield >= QUIET_MS, 10_000, 'the generator to stop');
  const last = yielded;
  expect(yielded).toBeLessThan(total / 4);

  for (let i = 10; i < 10_000; i++) expect((await it.next()).value).toBe(i);
  await it.return?.();
  return last;
}
