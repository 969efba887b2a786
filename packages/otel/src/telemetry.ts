/**
 * The middleware: one span per call on each side, the trace carried in the
 * call's metadata, and the call's duration recorded.
 */
import type { Call, CallContext, Middleware } from '@interoffice/core';
import {
  type Context,
  context,
  createNoopMeter,
  defaultTextMapGetter,
  defaultTextMapSetter,
  type Histogram,
  INVALID_SPAN_CONTEXT,
  isSpanContextValid,
  type MeterProvider,
  metrics,
  ProxyTracerProvider,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TextMapPropagator,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import { type CallShape, codeOf, isSpanError, outcomeAttributes, shapeOf } from './attributes.js';
import { W3CTraceContext } from './trace-context.js';
import { tracedStream } from './traced-stream.js';

/** The instrumentation scope: the tracer's and meter's name. */
export const SCOPE = '@interoffice/otel';
const VERSION = '0.1.0';

/** Options of {@link telemetry}. */
export interface TelemetryOptions {
  /** Where spans go; the global one (what the application's SDK registered) when not given. */
  tracerProvider?: TracerProvider;
  /** Where the duration histograms go; the global one when not given. */
  meterProvider?: MeterProvider;
  /**
   * How the trace travels in call metadata: W3C `traceparent` and
   * `tracestate` when not given. Pass `propagation` (from
   * `@opentelemetry/api`) to use the application's global propagator, e.g.
   * with baggage.
   */
  propagator?: TextMapPropagator;
}

// The span context each server call runs in, by the call (it is the handler's `ctx`),
// so a call made with `{ parent: ctx }` continues the trace without any context manager.
const callContexts = new WeakMap<CallContext, Context>();

/**
 * OpenTelemetry for calls, as middleware for both sides: pass it to
 * `createClient(..., { middleware: [telemetry()] })` and to
 * `serve(..., { middleware: [telemetry()] })`.
 *
 * - Each call gets a span (CLIENT or SERVER) named `{service}/{method}`, with
 *   the attributes of OpenTelemetry's RPC conventions (`rpc.system`,
 *   `rpc.service`, `rpc.method`, `server.address`, `server.port`, the status
 *   code) and ERROR status when it fails.
 * - The client writes the trace into the request metadata (`traceparent`,
 *   `tracestate`) on every transport; the server continues it.
 * - A handler's own calls made with `{ parent: ctx }` are children of its
 *   server span; other calls continue the active context (when the
 *   application has a context manager), and `inherit: { trace: false }`
 *   starts a new trace.
 * - Durations go to the histograms `rpc.client.duration` and
 *   `rpc.server.duration` (milliseconds), by system, service, method and
 *   status.
 */
export function telemetry(options: TelemetryOptions = {}): Middleware {
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(SCOPE, VERSION);
  const propagator = options.propagator ?? new W3CTraceContext();
  const durations = histograms(options.meterProvider);

  const run = (call: Call, next: () => Promise<unknown>, parent: Context, kind: SpanKind): Promise<unknown> => {
    const shape = shapeOf(call);
    const span = tracer.startSpan(shape.name, { kind, attributes: shape.attributes }, parent);
    // No SDK and no trace coming in: nothing to carry on, so skip the context (most of the cost).
    const sc = span.spanContext();
    const carried = span.isRecording() || (sc !== INVALID_SPAN_CONTEXT && isSpanContextValid(sc));
    // And no meter either: nothing to record, so not even a timer (a no-op call costs what a bare `next()` does).
    if (!carried && durations().idle) return next();
    return traced(call, next, parent, span, shape, carried);
  };

  const traced = async (
    call: Call,
    next: () => Promise<unknown>,
    parent: Context,
    span: Span,
    shape: CallShape,
    carried: boolean,
  ): Promise<unknown> => {
    const ctx = carried ? trace.setSpan(parent, span) : parent;
    if (carried) {
      if (call.side === 'client') propagator.inject(ctx, call.meta, defaultTextMapSetter);
      else callContexts.set(call as CallContext & Call, ctx);
    }
    const end = ending(call, span, shape, durations);
    let out: unknown;
    try {
      out = carried ? await context.with(ctx, next) : await next();
    } catch (e) {
      end(e);
      throw e;
    }
    if (call.method.kind === 'serverStream' && isIterable(out)) return tracedStream(out, ctx, end);
    end();
    return out;
  };

  // Nothing installed and no trace on the call: the middleware is a bare `next()` before it
  // looks anything up (its cost with no SDK is then core's middleware path alone).
  const fields = propagator.fields();
  const carried = (meta: Readonly<Record<string, string>>): boolean => fields.some((f) => meta[f] !== undefined);
  const given = options.tracerProvider !== undefined || options.meterProvider !== undefined;
  const idle = (call: Call): boolean => {
    if (given) return false;
    const bare = nothingRegistered();
    if (!bare && (!noTracerSdk() || !durations().idle)) return false;
    // With nothing registered at all, a server span would be a no-op and there is no context
    // manager to make it active: a caller's trace goes on from the handler's context's metadata,
    // which the client side below looks at.
    if (call.side === 'server') return bare || !carried(call.meta);
    const parent = call.parent;
    if (parent === null) return true;
    // With no context manager registered, the active context is always the root one: no span in it.
    if (parent === undefined) return bare || trace.getSpan(context.active()) === undefined;
    return !callContexts.has(parent) && !carried(parent.meta);
  };

  const middleware = (call: Call, next: () => Promise<unknown>): Promise<unknown> => {
    if (idle(call)) return next();
    if (call.side === 'server')
      return run(call, next, propagator.extract(ROOT_CONTEXT, call.meta, defaultTextMapGetter), SpanKind.SERVER);
    return run(call, next, clientParent(call, propagator), SpanKind.CLIENT);
  };
  // Idle, core skips the middleware altogether and keeps its fast path (no promise per call).
  return Object.assign(middleware, { passesThrough: idle });
}

// Where @opentelemetry/api keeps what was registered with it (api.1: this package depends on API 1.x).
const API_GLOBALS = Symbol.for('opentelemetry.js.api.1');

/**
 * Nothing at all was registered with the API (no tracer, meter, context manager or propagator):
 * one property read, where asking the tracer, meter and context APIs in turn costs three global
 * lookups per call.
 */
function nothingRegistered(): boolean {
  return (globalThis as Record<symbol, unknown>)[API_GLOBALS] === undefined;
}

// What the global tracer provider hands out while no SDK registered one.
const NOOP_TRACER_PROVIDER = new ProxyTracerProvider().getDelegate();

/** No SDK registered a tracer provider (the global one still delegates to the API's no-op one). */
function noTracerSdk(): boolean {
  const p = trace.getTracerProvider();
  return p instanceof ProxyTracerProvider && p.getDelegate() === NOOP_TRACER_PROVIDER;
}

/** The context a client call continues: its parent's, none when it opted out, else the active one. */
function clientParent(call: Call, propagator: TextMapPropagator): Context {
  if (call.parent === null) return ROOT_CONTEXT;
  if (call.parent === undefined) return context.active();
  // A parent served without this middleware still has its caller's trace in its metadata.
  return callContexts.get(call.parent) ?? propagator.extract(ROOT_CONTEXT, call.parent.meta, defaultTextMapGetter);
}

/**
 * How a call's span ends: with the error it failed with. A server call
 * whose handler returns after the deadline ends as DEADLINE_EXCEEDED (the
 * caller was answered so); waiting for the abort itself would cost an
 * AbortSignal per call, a fifth of a small call's time.
 */
function ending(call: Call, span: Span, shape: CallShape, durations: () => Durations): (error?: unknown) => void {
  const started = performance.now();
  let done = false;
  const end = (error?: unknown): void => {
    if (done) return;
    done = true;
    const ms = performance.now() - started;
    const late = error === undefined && call.side === 'server' && Date.now() >= call.deadline;
    const code = late ? 'DEADLINE_EXCEEDED' : error === undefined ? undefined : codeOf(error);
    const outcome = code === undefined ? undefined : outcomeAttributes(shape.system, code);
    if (span.isRecording()) {
      span.setAttributes(outcome ?? shape.succeeded);
      if (code !== undefined && isSpanError(call.side, shape.system, code)) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : code });
      }
    }
    span.end();
    const d = durations();
    (call.side === 'client' ? d.client : d.server).record(
      ms,
      outcome === undefined ? shape.succeeded : { ...shape.attributes, ...outcome },
    );
  };
  return end;
}

interface Durations {
  client: Histogram;
  server: Histogram;
  /** Both are the API's no-op histograms: no meter provider is registered. */
  idle: boolean;
}

// What the API hands out when no SDK registered a meter provider: its no-op histogram's class.
const noopHistogram = Object.getPrototypeOf(createNoopMeter().createHistogram('noop')) as object;

/** The histograms, made again when the global meter provider changes (an SDK registered after us). */
function histograms(given: MeterProvider | undefined): () => Durations {
  let provider: MeterProvider | undefined;
  let made: Durations | undefined;
  return () => {
    const now = given ?? metrics.getMeterProvider();
    if (made === undefined || now !== provider) {
      provider = now;
      const meter = now.getMeter(SCOPE, VERSION);
      const client = meter.createHistogram('rpc.client.duration', { description: 'Duration of outbound calls', unit: 'ms' });
      const server = meter.createHistogram('rpc.server.duration', { description: 'Duration of inbound calls', unit: 'ms' });
      const idle = Object.getPrototypeOf(client) === noopHistogram && Object.getPrototypeOf(server) === noopHistogram;
      made = { client, server, idle };
    }
    return made;
  };
}

function isIterable(value: unknown): value is AsyncIterable<unknown> | Iterable<unknown> {
  const v = value as Partial<AsyncIterable<unknown> & Iterable<unknown>> | null | undefined;
  return typeof v?.[Symbol.asyncIterator] === 'function' || typeof v?.[Symbol.iterator] === 'function';
}
