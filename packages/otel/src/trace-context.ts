/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/) in call metadata:
 * `traceparent` and `tracestate`, the keys HTTP uses, lower-case as metadata
 * keys are. Written here on `@opentelemetry/api` alone, so the package needs
 * no SDK; any TextMapPropagator can replace it.
 */
import {
  type Context,
  createTraceState,
  isSpanContextValid,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
  TraceFlags,
  trace,
} from '@opentelemetry/api';

/** The metadata key of the trace and span ids and flags: `00-<trace-id>-<parent-id>-<flags>`. */
export const TRACEPARENT = 'traceparent';
/** The metadata key of vendor-specific trace state: `vendor=value,other=value`. */
export const TRACESTATE = 'tracestate';

// version 00 exactly; a later version may append fields after a dash, which we ignore (as the spec asks).
const TRACEPARENT_FORMAT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
/** A peer's tracestate longer than this is dropped rather than carried on (the spec's 512 is a floor). */
const MAX_TRACESTATE = 1024;

/** The W3C trace-context propagator over metadata (a `Record<string, string>`). */
export class W3CTraceContext implements TextMapPropagator<Record<string, string>> {
  inject(context: Context, carrier: Record<string, string>, setter?: TextMapSetter<Record<string, string>>): void {
    const span = trace.getSpanContext(context);
    if (span === undefined || !isSpanContextValid(span)) return;
    const flags = (span.traceFlags & TraceFlags.SAMPLED).toString(16).padStart(2, '0');
    const set = setter ?? defaultSetter;
    set.set(carrier, TRACEPARENT, `00-${span.traceId}-${span.spanId}-${flags}`);
    const state = span.traceState?.serialize();
    if (state !== undefined && state !== '') set.set(carrier, TRACESTATE, state);
  }

  extract(context: Context, carrier: Record<string, string>, getter?: TextMapGetter<Record<string, string>>): Context {
    const get = getter ?? defaultGetter;
    const parent = first(get.get(carrier, TRACEPARENT));
    const m = parent === undefined ? null : TRACEPARENT_FORMAT.exec(parent.trim());
    if (m === null) return context;
    const [, version, traceId, spanId, flags, rest] = m as unknown as [string, string, string, string, string, string?];
    if (version === 'ff' || (version === '00' && rest !== undefined)) return context;
    const span = { traceId, spanId, traceFlags: Number.parseInt(flags, 16) & TraceFlags.SAMPLED, isRemote: true };
    if (!isSpanContextValid(span)) return context; // all-zero ids
    const state = first(get.get(carrier, TRACESTATE));
    const traceState = state !== undefined && state.length <= MAX_TRACESTATE ? createTraceState(state) : undefined;
    return trace.setSpanContext(context, traceState === undefined ? span : { ...span, traceState });
  }

  fields(): string[] {
    return [TRACEPARENT, TRACESTATE];
  }
}

const defaultSetter: TextMapSetter<Record<string, string>> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

const defaultGetter: TextMapGetter<Record<string, string>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key],
};

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
