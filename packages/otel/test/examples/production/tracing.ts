// The application's OpenTelemetry SDK: spans printed to the console as they end.
// In production use a BatchSpanProcessor and an OTLP exporter instead.
import { trace } from '@opentelemetry/api';
import { BasicTracerProvider, ConsoleSpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

export function startTracing(): void {
  const exporter = new ConsoleSpanExporter();
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
}
