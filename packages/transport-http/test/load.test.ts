/**
 * Many clients at once, bounded in count and time: each answer reaches the
 * call that asked for it, streams interleave with calls, and the server
 * lets go of every connection afterwards.
 */
import { connect, createClient, serve, type Server } from '@interoffice/core';
import { Calculator, calculator, type Seen } from '@interoffice/core/conformance';
import { afterEach, describe, expect, it } from 'vitest';
import { httpTransport, wsTransport } from '../src/index.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close({ graceMs: 0 });
});

const CLIENTS = 20;
const CALLS = 100;

for (const scheme of ['http', 'ws'] as const) {
  describe(`${scheme}: load`, () => {
    it(`${CLIENTS} clients × ${CALLS} calls and a stream each, at once`, async () => {
      const transport = () => (scheme === 'http' ? httpTransport() : wsTransport());
      const seen: Seen = { calls: 0, aborted: [] };
      const server = await serve(calculator(seen), { listen: [`${scheme}://127.0.0.1:0/rpc/`], transports: [transport()] });
      servers.push(server);
      const url = (server.urls[0] as URL).href;
      const started = Date.now();
      const results = await Promise.all(
        Array.from({ length: CLIENTS }, async (_, c) => {
          const channel = await connect(url, { transports: [transport()] });
          const calc = createClient(Calculator, channel);
          const stream = (async () => {
            const items: number[] = [];
            for await (const n of calc.countdown({ from: 50 })) items.push(n);
            return items.length;
          })();
          const sums = await Promise.all(Array.from({ length: CALLS }, (_, i) => calc.add({ a: c * 1000, b: i })));
          const streamed = await stream;
          await channel.close();
          return sums.every((s, i) => s === c * 1000 + i) && streamed === 51;
        }),
      );
      expect(results.every(Boolean)).toBe(true);
      expect(seen.calls).toBe(CLIENTS * CALLS);
      expect(Date.now() - started).toBeLessThan(15_000);
    });
  });
}
