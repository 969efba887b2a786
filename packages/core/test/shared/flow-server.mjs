// A server of the Flow service in its own process, for the slow-consumer (flow control) tests:
//   node flow-server.mjs <transport module> <factory> <url> [options as JSON]
// Flow is defined as flow-peers.ts defines it (a script cannot import TypeScript). The handlers
// count what they produce and take, and `stats` reports the counts with this process's memory, so
// a test can see how far the server ran ahead of its consumer. Prints "ready <url>" once serving.
import { bidiStream, defineService, implement, serve, serverStream, unary } from '@interoffice/core';
import { z } from 'zod';

const [transportModule, factory, url, json] = process.argv.slice(2);
const transport = (await import(transportModule))[factory];

const Item = z.object({ seq: z.number().int(), note: z.string() });
const Flow = defineService('Flow', {
  items: serverStream({ input: z.object({ count: z.number().int() }), output: Item }),
  relay: bidiStream({ input: Item, output: Item }),
  stats: unary({
    input: z.object({}),
    output: z.object({ produced: z.number(), taken: z.number(), rss: z.number(), heapUsed: z.number() }),
  }),
});

const NOTE = 'the quick brown fox jumps over it';
/** Items the current stream's generator has yielded, and inputs its handler has taken (one call at a time). */
let produced = 0;
let taken = 0;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const server = await serve(
  implement(Flow, {
    items: async function* ({ count }) {
      produced = 0;
      for (let seq = 0; seq < count; seq++) {
        produced++;
        yield { seq, note: NOTE };
      }
    },
    // Each input out again. With `x-slow-ms`, the handler first reads 1,000 inputs a second for that
    // long (a server that reads slowly), then as fast as it can.
    relay: async function* (inputs, ctx) {
      produced = 0;
      taken = 0;
      const slowMs = Number(ctx.meta['x-slow-ms'] ?? 0);
      const start = performance.now();
      for await (const item of inputs) {
        taken++;
        produced++;
        yield item;
        // Pacing, not a wait for a condition: input n is read no earlier than n ms after the start.
        while (performance.now() - start < slowMs && taken > performance.now() - start) await sleep(2);
      }
    },
    stats: () => {
      const m = process.memoryUsage();
      return { produced, taken, rss: m.rss, heapUsed: m.heapUsed };
    },
  }),
  { listen: [url], transports: [transport(json ? JSON.parse(json) : {})], logger: { warn: () => {}, error: console.error } },
);
console.log(`ready ${server.urls[0].href}`);
