// A server of the Flow service in its own process, for the slow-consumer (flow control) tests:
//   node flow-server.mjs <transport module> <factory> <url> [options as JSON]
// Flow is defined as flow-peers.ts defines it (a script cannot import TypeScript). The handlers
// count what they produce and take, per run (a name the caller gives, so that a call a failed test
// left running counts apart), and `stats` reports a run's counts with this process's memory: a test
// sees how far the server ran ahead of its consumer. Prints "ready <url>" once serving.
import { bidiStream, defineService, implement, serve, serverStream, unary } from '@interoffice/core';
import { z } from 'zod';

const [transportModule, factory, url, json] = process.argv.slice(2);
const transport = (await import(transportModule))[factory];

const Item = z.object({ seq: z.number().int(), note: z.string() });
const Flow = defineService('Flow', {
  items: serverStream({ input: z.object({ count: z.number().int(), run: z.string() }), output: Item }),
  relay: bidiStream({ input: Item, output: Item }),
  stats: unary({
    input: z.object({ run: z.string() }),
    output: z.object({ produced: z.number(), taken: z.number(), rss: z.number(), heapUsed: z.number() }),
  }),
});

const NOTE = 'the quick brown fox jumps over it';
/** Per run: items the stream's generator has yielded, and inputs its handler has taken. */
const runs = new Map();
const counts = (run) => {
  if (!runs.has(run)) runs.set(run, { produced: 0, taken: 0 });
  return runs.get(run);
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const server = await serve(
  implement(Flow, {
    items: async function* ({ count, run }) {
      const c = counts(run);
      for (let seq = 0; seq < count; seq++) {
        c.produced++;
        yield { seq, note: NOTE };
      }
    },
    // Each input out again, counted under the run `x-run`. With `x-slow-ms`, the handler first reads
    // 1,000 inputs a second for that long (a server that reads slowly), then as fast as it can.
    relay: async function* (inputs, ctx) {
      const c = counts(ctx.meta['x-run']);
      const slowMs = Number(ctx.meta['x-slow-ms'] ?? 0);
      const start = performance.now();
      for await (const item of inputs) {
        c.taken++;
        c.produced++;
        yield item;
        // Pacing, not a wait for a condition: input n is read no earlier than n ms after the start.
        while (performance.now() - start < slowMs && c.taken > performance.now() - start) await sleep(2);
      }
    },
    stats: ({ run }) => {
      const m = process.memoryUsage();
      return { ...counts(run), rss: m.rss, heapUsed: m.heapUsed };
    },
  }),
  { listen: [url], transports: [transport(json ? JSON.parse(json) : {})], logger: { warn: () => {}, error: console.error } },
);
console.log(`ready ${server.urls[0].href}`);
