// The middleware in one process: A -> B -> C over memory transports, each side its own SDK.
import { connect, createClient, implement, memoryTransport, RpcError, serve, type Middleware } from '@interoffice/core';
import { context, metrics, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { isSpanError, outcomeAttributes, serverAttributes, systemOf } from '../src/attributes.js';
import { telemetry, W3CTraceContext } from '../src/index.js';
import { Hops, recorder } from './helpers.js';
import { until } from '../../core/test/shared/until.js';

const quiet = { warn: () => {}, error: () => {} };
let n = 0;
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** A (client) -> B (front) -> C (back); `inherit` is how B's call to C treats its parent. */
async function hops(opts: { inherit?: { trace?: boolean }; parent?: boolean; extra?: Middleware[] } = {}) {
  const rec = recorder();
  const mw = telemetry({ tracerProvider: rec.tracerProvider, meterProvider: rec.meterProvider });
  const transports = [memoryTransport()];
  const c = `memory://otel-c-${n++}`;
  const b = `memory://otel-b-${n++}`;
  const cServer = await serve(
    implement(Hops, {
      front: () => ({ traceparent: '' }),
      back: ({ fail }, ctx) => {
        if (fail) throw new RpcError('INTERNAL', 'C broke');
        return { traceparent: ctx.meta.traceparent ?? '' };
      },
      count: async function* ({ to }) {
        for (let i = 1; i <= to; i++) yield i;
      },
    }),
    { listen: [c], transports, middleware: [mw], logger: quiet },
  );
  closers.push(() => cServer.close({ graceMs: 0 }));
  const toC = createClient(Hops, await connect(c, { transports }), { middleware: [mw, ...(opts.extra ?? [])] });
  const bServer = await serve(
    implement(Hops, {
      front: ({ fail }, ctx) => toC.back({ fail }, opts.parent === false ? {} : { parent: ctx, inherit: opts.inherit }),
      back: () => ({ traceparent: '' }),
      count: () => [],
    }),
    { listen: [b], transports, middleware: [mw], logger: quiet },
  );
  closers.push(() => bServer.close({ graceMs: 0 }));
  const a = createClient(Hops, await connect(b, { transports }), { middleware: [mw] });
  return { rec, a, toC };
}

const byName = (spans: ReturnType<ReturnType<typeof recorder>['spans']>, name: string, kind: SpanKind) => {
  const s = spans.find((x) => x.name === name && x.kind === kind);
  if (s === undefined) throw new Error(`no ${SpanKind[kind]} span ${name} among ${spans.map((x) => x.name).join(', ')}`);
  return s;
};

describe('telemetry', () => {
  it('makes one trace A -> B -> C with the right parents, attributes and traceparent', async () => {
    const { rec, a } = await hops();
    const { traceparent } = await a.front({});
    const spans = rec.spans();
    expect(spans).toHaveLength(4);
    const aClient = byName(spans, 'test.Hops/front', SpanKind.CLIENT);
    const bServer = byName(spans, 'test.Hops/front', SpanKind.SERVER);
    const bClient = byName(spans, 'test.Hops/back', SpanKind.CLIENT);
    const cServer = byName(spans, 'test.Hops/back', SpanKind.SERVER);
    const traceId = aClient.spanContext().traceId;
    for (const s of spans) expect(s.spanContext().traceId).toBe(traceId);
    expect(aClient.parentSpanContext).toBeUndefined();
    expect(bServer.parentSpanContext?.spanId).toBe(aClient.spanContext().spanId);
    expect(bClient.parentSpanContext?.spanId).toBe(bServer.spanContext().spanId);
    expect(cServer.parentSpanContext?.spanId).toBe(bClient.spanContext().spanId);
    // C received the W3C header naming B's client span.
    expect(traceparent).toBe(`00-${traceId}-${bClient.spanContext().spanId}-01`);
    expect(bClient.attributes).toMatchObject({
      'rpc.system': 'jsonrpc',
      'rpc.service': 'test.Hops',
      'rpc.method': 'back',
      'rpc.jsonrpc.version': '2.0',
      'server.address': expect.stringMatching(/^otel-c-/),
      'interoffice.transport': 'memory',
    });
    expect(cServer.attributes).toMatchObject({ 'rpc.system': 'jsonrpc', 'rpc.method': 'back' });
    expect(cServer.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('records failures: ERROR status and error.type on both sides, the JSON-RPC code', async () => {
    const { rec, a } = await hops();
    await expect(a.front({ fail: true })).rejects.toMatchObject({ code: 'INTERNAL' });
    const spans = rec.spans();
    for (const s of [byName(spans, 'test.Hops/back', SpanKind.CLIENT), byName(spans, 'test.Hops/back', SpanKind.SERVER)]) {
      expect(s.status.code).toBe(SpanStatusCode.ERROR);
      expect(s.attributes['error.type']).toBe('INTERNAL');
      expect(s.attributes['rpc.jsonrpc.error_code']).toBe(-32603);
    }
    const points = await rec.histogram('rpc.client.duration');
    const failed = points.filter((p) => p.attributes['error.type'] === 'INTERNAL');
    expect(failed.map((p) => [p.attributes['rpc.method'], p.count]).sort()).toEqual([
      ['back', 1],
      ['front', 1],
    ]); // B's call to C, and A's to B
  });

  it('records durations of client and server calls in histograms (ms)', async () => {
    const { rec, a } = await hops();
    for (let i = 0; i < 3; i++) await a.front({});
    const client = await rec.histogram('rpc.client.duration');
    const server = await rec.histogram('rpc.server.duration');
    const front = client.find((p) => p.attributes['rpc.method'] === 'front');
    expect(front).toMatchObject({ count: 3, unit: 'ms', attributes: { 'rpc.service': 'test.Hops', 'rpc.system': 'jsonrpc' } });
    expect(front?.sum).toBeGreaterThan(0);
    expect(server.find((p) => p.attributes['rpc.method'] === 'back')?.count).toBe(3);
    // The client's time of a call includes its server's time of it.
    const serverFront = server.find((p) => p.attributes['rpc.method'] === 'front');
    expect(front?.sum).toBeGreaterThanOrEqual(serverFront?.sum ?? Infinity);
  });

  it('inherit: { trace: false } starts a new trace', async () => {
    const { rec, a } = await hops({ inherit: { trace: false } });
    await a.front({});
    const spans = rec.spans();
    const bServer = byName(spans, 'test.Hops/front', SpanKind.SERVER);
    const bClient = byName(spans, 'test.Hops/back', SpanKind.CLIENT);
    expect(bClient.parentSpanContext).toBeUndefined();
    expect(bClient.spanContext().traceId).not.toBe(bServer.spanContext().traceId);
    expect(byName(spans, 'test.Hops/back', SpanKind.SERVER).spanContext().traceId).toBe(bClient.spanContext().traceId);
  });

  it('without a parent, continues the active context when the application has a context manager', async () => {
    const manager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(manager);
    try {
      const { rec, a } = await hops({ parent: false });
      await a.front({});
      const spans = rec.spans();
      expect(byName(spans, 'test.Hops/back', SpanKind.CLIENT).parentSpanContext?.spanId).toBe(
        byName(spans, 'test.Hops/front', SpanKind.SERVER).spanContext().spanId,
      );
    } finally {
      context.disable();
    }
  });

  it('without a parent or a context manager, a call starts its own trace', async () => {
    const { rec, a } = await hops({ parent: false });
    await a.front({});
    const spans = rec.spans();
    expect(byName(spans, 'test.Hops/back', SpanKind.CLIENT).parentSpanContext).toBeUndefined();
  });

  it('a server stream span ends with the stream, items pulled in its context', async () => {
    const { rec, toC } = await hops();
    const got: number[] = [];
    for await (const i of toC.count({ to: 3 })) got.push(i);
    expect(got).toEqual([1, 2, 3]);
    const spans = rec.spans();
    const client = byName(spans, 'test.Hops/count', SpanKind.CLIENT);
    const server = byName(spans, 'test.Hops/count', SpanKind.SERVER);
    expect(server.parentSpanContext?.spanId).toBe(client.spanContext().spanId);
    expect(server.ended && client.ended).toBe(true);
  });

  it('takes another propagator, e.g. the global one', async () => {
    const seen: string[] = [];
    const custom = new W3CTraceContext();
    const spy = {
      inject: (...args: Parameters<W3CTraceContext['inject']>) => {
        seen.push('inject');
        custom.inject(...args);
        args[1]['x-seen'] = 'yes';
      },
      extract: custom.extract.bind(custom),
      fields: custom.fields.bind(custom),
    };
    const rec = recorder();
    const transports = [memoryTransport()];
    const url = `memory://otel-p-${n++}`;
    const server = await serve(
      implement(Hops, {
        front: (_, ctx) => ({ traceparent: `${ctx.meta['x-seen']}` }),
        back: () => ({ traceparent: '' }),
        count: () => [],
      }),
      { listen: [url], transports, logger: quiet },
    );
    closers.push(() => server.close({ graceMs: 0 }));
    const client = createClient(Hops, await connect(url, { transports }), {
      middleware: [telemetry({ tracerProvider: rec.tracerProvider, propagator: spy })],
    });
    expect((await client.front({})).traceparent).toBe('yes');
    expect(seen).toEqual(['inject']);
    expect(propagation.fields()).toEqual([]); // the global one is untouched (no-op)
  });
});

describe('W3C trace context in metadata', () => {
  const w3c = new W3CTraceContext();
  const traceId = '0af7651916cd43dd8448eb211c80319c';
  const spanId = 'b7ad6b7169203331';

  it('reads and writes traceparent and tracestate', () => {
    const ctx = w3c.extract(ROOT_CONTEXT, {
      traceparent: `00-${traceId}-${spanId}-01`,
      tracestate: 'congo=t61rcWkgMzE,rojo=00f067aa0ba902b7',
    });
    const span = trace.getSpanContext(ctx);
    expect(span).toMatchObject({ traceId, spanId, traceFlags: 1, isRemote: true });
    const out: Record<string, string> = {};
    w3c.inject(ctx, out);
    expect(out).toEqual({ traceparent: `00-${traceId}-${spanId}-01`, tracestate: 'congo=t61rcWkgMzE,rojo=00f067aa0ba902b7' });
  });

  it.each([
    ['garbage', 'not-a-traceparent'],
    ['all-zero trace id', `00-${'0'.repeat(32)}-${spanId}-01`],
    ['all-zero span id', `00-${traceId}-${'0'.repeat(16)}-01`],
    ['version ff', `ff-${traceId}-${spanId}-01`],
    ['upper-case hex', `00-${traceId.toUpperCase()}-${spanId}-01`],
    ['version 00 with more fields', `00-${traceId}-${spanId}-01-extra`],
  ])('ignores a bad traceparent (%s): the server starts a new trace', (_, value) => {
    expect(trace.getSpanContext(w3c.extract(ROOT_CONTEXT, { traceparent: value }))).toBeUndefined();
  });

  it('accepts a later version with more fields, reading the fields it knows', () => {
    const ctx = w3c.extract(ROOT_CONTEXT, { traceparent: `01-${traceId}-${spanId}-03-whatever` });
    expect(trace.getSpanContext(ctx)).toMatchObject({ traceId, spanId, traceFlags: 1 });
  });

  it('writes nothing without a valid span', () => {
    const out: Record<string, string> = {};
    w3c.inject(ROOT_CONTEXT, out);
    expect(out).toEqual({});
  });
});

describe('how calls end', () => {
  it('a server span whose handler ignores the deadline and returns late records DEADLINE_EXCEEDED, as the caller saw', async () => {
    const rec = recorder();
    const mw = telemetry({ tracerProvider: rec.tracerProvider, meterProvider: rec.meterProvider });
    const transports = [memoryTransport()];
    const url = `memory://otel-d-${n++}`;
    let release = (): void => {};
    const server = await serve(
      implement(Hops, {
        front: () => new Promise((r) => (release = () => r({ traceparent: '' }))),
        back: () => ({ traceparent: '' }),
        count: () => [],
      }),
      { listen: [url], transports, middleware: [mw], logger: quiet },
    );
    closers.push(() => server.close({ graceMs: 0 }));
    const client = createClient(Hops, await connect(url, { transports }));
    await expect(client.front({}, { timeout: 50 })).rejects.toMatchObject({ code: 'DEADLINE_EXCEEDED' });
    expect(rec.spans()).toEqual([]); // the handler still runs
    release();
    await until(() => rec.spans().length > 0, 5000, 'the server span');
    const [span] = rec.spans();
    expect(span?.attributes['error.type']).toBe('DEADLINE_EXCEEDED');
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    const [point] = await rec.histogram('rpc.server.duration');
    expect(point?.attributes['error.type']).toBe('DEADLINE_EXCEEDED');
  });

  it('picks up a global meter provider registered after the middleware was made', async () => {
    const rec = recorder();
    const mw = telemetry({ tracerProvider: rec.tracerProvider }); // no meter provider: the global one
    const transports = [memoryTransport()];
    const url = `memory://otel-m-${n++}`;
    const server = await serve(
      implement(Hops, { front: () => ({ traceparent: '' }), back: () => ({ traceparent: '' }), count: () => [] }),
      { listen: [url], transports, logger: quiet },
    );
    closers.push(() => server.close({ graceMs: 0 }));
    const client = createClient(Hops, await connect(url, { transports }), { middleware: [mw] });
    await client.front({}); // recorded nowhere: no SDK yet
    metrics.setGlobalMeterProvider(rec.meterProvider);
    try {
      await client.front({});
      const points = await rec.histogram('rpc.client.duration');
      expect(points.map((p) => p.count)).toEqual([1]);
    } finally {
      metrics.disable();
    }
  });
  it('records durations with a meter provider and no tracer SDK (the spans are no-ops, the histograms not)', async () => {
    const rec = recorder();
    const mw = telemetry({ meterProvider: rec.meterProvider }); // the global tracer provider: no SDK
    const transports = [memoryTransport()];
    const url = `memory://otel-mo-${n++}`;
    const server = await serve(
      implement(Hops, { front: () => ({ traceparent: '' }), back: () => ({ traceparent: '' }), count: () => [] }),
      { listen: [url], transports, middleware: [mw], logger: quiet },
    );
    closers.push(() => server.close({ graceMs: 0 }));
    const client = createClient(Hops, await connect(url, { transports }), { middleware: [mw] });
    await client.front({});
    await client.front({});
    expect((await rec.histogram('rpc.client.duration')).map((p) => p.count)).toEqual([2]);
    expect((await rec.histogram('rpc.server.duration')).map((p) => p.count)).toEqual([2]);
    expect(rec.spans()).toEqual([]);
  });
});

describe('attributes', () => {
  it('name the server from the URL: host and port, or the path', () => {
    expect(serverAttributes({ transport: 'redis', address: 'redis://127.0.0.1:6379/calc' })).toEqual({
      'server.address': '127.0.0.1',
      'server.port': 6379,
    });
    expect(serverAttributes({ transport: 'unix', address: 'unix:///tmp/calc.sock' })).toEqual({
      'server.address': '/tmp/calc.sock',
    });
    expect(serverAttributes({ transport: 'grpc', address: 'grpc://[::1]:50051' })).toEqual({
      'server.address': '::1',
      'server.port': 50051,
    });
    expect(serverAttributes({ transport: 'stdio', address: 'stdio:' })).toEqual({});
  });

  it('a gRPC server span is an error only for the server-side codes; JSON-RPC and client spans for any', () => {
    expect(isSpanError('server', 'grpc', 'INVALID_ARGUMENT')).toBe(false);
    expect(isSpanError('server', 'grpc', 'NOT_FOUND')).toBe(false);
    expect(isSpanError('server', 'grpc', 'INTERNAL')).toBe(true);
    expect(isSpanError('server', 'grpc', 'DEADLINE_EXCEEDED')).toBe(true);
    expect(isSpanError('server', 'jsonrpc', 'INVALID_ARGUMENT')).toBe(true);
    expect(isSpanError('client', 'grpc', 'NOT_FOUND')).toBe(true);
    expect(outcomeAttributes('grpc', 'NOT_FOUND')).toEqual({ 'rpc.grpc.status_code': 5, 'error.type': 'NOT_FOUND' });
    expect(outcomeAttributes('grpc', undefined)).toEqual({ 'rpc.grpc.status_code': 0 });
    expect(outcomeAttributes('jsonrpc', undefined)).toEqual({});
    expect(systemOf({ transport: 'grpcs', address: 'grpcs://h:1' })).toBe('grpc');
    expect(systemOf({ transport: 'redis', address: 'x' })).toBe('jsonrpc');
  });
});
