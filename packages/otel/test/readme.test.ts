/** The README's example is test/examples/tracing.ts, verbatim, and does what it says. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exporter, main } from './examples/tracing.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const blocks = [...readme.matchAll(/<!-- file: (\S+) -->\n```ts\n([\s\S]*?)\n```/g)];

describe('README', () => {
  it('shows test/examples/tracing.ts as it is', () => {
    expect(blocks.map((b) => b[1])).toEqual(['test/examples/tracing.ts']);
    expect(blocks[0]?.[2]).toBe(readFileSync(new URL('./examples/tracing.ts', import.meta.url), 'utf8').trimEnd());
  });

  it('runs: one trace of four spans, the inventory call a child of the order handler', async () => {
    expect(await main()).toBe('reserved');
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => `${s.name} ${s.kind}`).sort()).toEqual([
      'shop.Inventory/reserve 1',
      'shop.Inventory/reserve 2',
      'shop.Shop/order 1',
      'shop.Shop/order 2',
    ]);
    expect(new Set(spans.map((s) => s.spanContext().traceId)).size).toBe(1);
    const serverOrder = spans.find((s) => s.name === 'shop.Shop/order' && s.kind === 1);
    const clientReserve = spans.find((s) => s.name === 'shop.Inventory/reserve' && s.kind === 2);
    expect(clientReserve?.parentSpanContext?.spanId).toBe(serverOrder?.spanContext().spanId);
  });
});
