// A shop whose handler calls an inventory service: one trace, four spans.
import { connect, createClient, defineService, implement, memoryTransport, serve, unary } from '@interoffice/core';
import { telemetry } from '@interoffice/otel';
import { metrics, trace } from '@opentelemetry/api';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { z } from 'zod';

// The application's SDK (here spans kept in memory; use your exporter, e.g. OTLP).
export const exporter = new InMemorySpanExporter();
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
metrics.setGlobalMeterProvider(new MeterProvider());

const Inventory = defineService('shop.Inventory', {
  reserve: unary({ input: z.object({ sku: z.string() }), output: z.boolean() }),
});
const Shop = defineService('shop.Shop', {
  order: unary({ input: z.object({ sku: z.string() }), output: z.string() }),
});

export async function main(): Promise<string> {
  const transports = [memoryTransport()]; // any transport: the trace travels in call metadata
  const middleware = [telemetry()];
  const stock = await serve(implement(Inventory, { reserve: () => true }), {
    listen: ['memory://inventory'],
    transports,
    middleware,
  });
  const inventory = createClient(Inventory, await connect('memory://inventory', { transports }), { middleware });
  const shop = await serve(
    implement(Shop, {
      // With `parent: ctx` the call is a child of this handler's span, and gets
      // what is left of its deadline and its cancellation.
      order: async ({ sku }, ctx) => ((await inventory.reserve({ sku }, { parent: ctx })) ? 'reserved' : 'sold out'),
    }),
    { listen: ['memory://shop'], transports, middleware },
  );
  const client = createClient(Shop, await connect('memory://shop', { transports }), { middleware });
  try {
    return await client.order({ sku: 'tea' }, { timeout: 1000 });
  } finally {
    await Promise.all([shop.close(), stock.close()]);
  }
}
