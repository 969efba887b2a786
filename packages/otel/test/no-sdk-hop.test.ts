// A hop in the middle with telemetry() and nothing at all registered with the OpenTelemetry API
// (its own file: another test's global registration would stay for the file). Core skips the
// middleware on that hop's server; the trace must still go on through the hop's outgoing call.
import { connect, createClient, implement, memoryTransport, serve } from '@interoffice/core';
import { SpanKind } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { telemetry } from '../src/index.js';
import { Hops, recorder } from './helpers.js';

const quiet = { warn: () => {}, error: () => {} };
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

describe('telemetry() on a hop with no SDK', () => {
  it('passes the caller trace on to the next hop, whose span is the caller span’s child', async () => {
    // The premise: nothing registered, so this hop is idle on both sides.
    expect((globalThis as Record<symbol, unknown>)[Symbol.for('opentelemetry.js.api.1')]).toBeUndefined();
    const rec = recorder();
    const traced = telemetry({ tracerProvider: rec.tracerProvider });
    const bare = telemetry();
    const transports = [memoryTransport()];
    const cServer = await serve(
      implement(Hops, {
        front: () => ({ traceparent: '' }),
        back: (_, ctx) => ({ traceparent: ctx.meta.traceparent ?? '' }),
        count: () => [],
      }),
      { listen: ['memory://no-sdk-c'], transports, middleware: [traced], logger: quiet },
    );
    closers.push(() => cServer.close({ graceMs: 0 }));
    const toC = createClient(Hops, await connect('memory://no-sdk-c', { transports }), { middleware: [bare] });
    const bServer = await serve(
      implement(Hops, {
        front: (_, ctx) => toC.back({}, { parent: ctx }),
        back: () => ({ traceparent: '' }),
        count: () => [],
      }),
      { listen: ['memory://no-sdk-b'], transports, middleware: [bare], logger: quiet },
    );
    closers.push(() => bServer.close({ graceMs: 0 }));
    const a = createClient(Hops, await connect('memory://no-sdk-b', { transports }), { middleware: [traced] });

    const { traceparent } = await a.front({});
    const spans = rec.spans();
    expect(spans.map((s) => [s.name, s.kind])).toEqual([
      ['test.Hops/back', SpanKind.SERVER],
      ['test.Hops/front', SpanKind.CLIENT],
    ]);
    const [cSpan, aSpan] = spans as [(typeof spans)[0], (typeof spans)[0]];
    expect(cSpan.spanContext().traceId).toBe(aSpan.spanContext().traceId);
    expect(cSpan.parentSpanContext?.spanId).toBe(aSpan.spanContext().spanId);
    expect(traceparent).toBe(`00-${aSpan.spanContext().traceId}-${aSpan.spanContext().spanId}-01`);
  });
});
