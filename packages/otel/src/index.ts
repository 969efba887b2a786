export { SCOPE, type TelemetryOptions, telemetry } from './telemetry.js';
export { TRACEPARENT, TRACESTATE, W3CTraceContext } from './trace-context.js';
