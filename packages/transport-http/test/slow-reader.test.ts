/**
 * A caller that stops reading a long server stream over HTTP. HTTP carries no credit (the
 * conformance case `flow-control` is skipped for it), but the client reads the response body
 * no further than the caller takes, so the socket fills and the server's generator waits:
 * what runs ahead is bounded by the socket buffers, not by the stream's length.
 */
import { connect, createClient, defineService, implement, serve, serverStream } from '@interoffice/core';
import { afterEach, expect, it } from 'vitest';
import { z } from 'zod';
import { httpTransport } from '../src/index.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const Ticks = defineService('Ticks', {
  ticks: serverStream({ input: z.object({ n: z.number().int() }), output: z.number() }),
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

it("a caller that stops reading holds the server's generator back; reading again resumes the stream", async () => {
  let yielded = 0;
  const impl = implement(Ticks, {
    async *ticks({ n }) {
      for (let i = 0; i < n; i++) {
        yielded++;
        yield i;
      }
    },
  });
  const server = await serve(impl, { listen: ['http://127.0.0.1:0/rpc/'], transports: [httpTransport()] });
  cleanups.push(() => server.close({ graceMs: 0 }));
  const channel = await connect((server.urls[0] as URL).href, { transports: [httpTransport()] });
  cleanups.push(() => channel.close());
  const total = 2_000_000;
  const it = createClient(Ticks, channel).ticks({ n: total }, { timeout: 60_000 })[Symbol.asyncIterator]();
  for (let i = 0; i < 10; i++) expect((await it.next()).value).toBe(i);

  // It runs ahead until the socket buffers are full, then stops: still after another half second.
  let last = -1;
  for (let waited = 0; yielded !== last && waited < 10_000; waited += 250) {
    last = yielded;
    await sleep(250);
  }
  await sleep(500);
  expect(yielded).toBe(last);
  // Without it the generator ran on to the end (2026-12-05: 42,700 items ahead after 200 ms).
  expect(yielded).toBeLessThan(total / 4);

  // Reading again, the stream goes on where the caller left it.
  for (let i = 10; i < 10_000; i++) expect((await it.next()).value).toBe(i);
  await it.return?.();
});
