/** Test helpers: an SDK recording in memory, and a three-hop service. */
import { defineService, serverStream, unary } from '@interoffice/core';
import { DataPointType, MeterProvider, MetricReader, type HistogramMetricData } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { z } from 'zod';

/** A: `front` on B, which calls `back` on C (its own `ctx` as the parent). */
export const Hops = defineService('test.Hops', {
  front: unary({ input: z.object({ fail: z.boolean().optional() }), output: z.object({ traceparent: z.string() }) }),
  back: unary({ input: z.object({ fail: z.boolean().optional() }), output: z.object({ traceparent: z.string() }) }),
  count: serverStream({ input: z.object({ to: z.number().int() }), output: z.number() }),
});

/** A metric reader that collects when asked. */
class OnDemandReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

/** An SDK of the test's own, not registered globally: spans in memory, metrics on demand. */
export function recorder() {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const reader = new OnDemandReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  return {
    tracerProvider,
    meterProvider,
    spans: (): ReadableSpan[] => exporter.getFinishedSpans(),
    /** The data points of histogram `name`: their attributes, count and sum. */
    async histogram(name: string) {
      const { resourceMetrics } = await reader.collect();
      const metric = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === name);
      if (metric === undefined) return [];
      if (metric.dataPointType !== DataPointType.HISTOGRAM) throw new Error(`${name} is not a histogram`);
      return (metric as HistogramMetricData).dataPoints.map((p) => ({
        attributes: p.attributes,
        count: p.value.count,
        sum: p.value.sum,
        unit: metric.descriptor.unit,
      }));
    },
  };
}

/** A span as the three-process test prints it (JSON). */
export interface SpanRecord {
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  status: number;
  attributes: Record<string, unknown>;
}

export function spanRecord(s: ReadableSpan): SpanRecord {
  return {
    name: s.name,
    kind: s.kind,
    traceId: s.spanContext().traceId,
    spanId: s.spanContext().spanId,
    parentSpanId: s.parentSpanContext?.spanId,
    status: s.status.code,
    attributes: { ...s.attributes },
  };
}
