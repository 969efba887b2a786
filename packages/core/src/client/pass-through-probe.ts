/**
 * The client's question to its middleware, "would each of you only pass this call through?",
 * asked without making the call's object first: a tracer idle for want of an SDK must cost no
 * allocation per call.
 */
import {
  allPassThrough,
  neverAborted,
  type Call,
  type CallContext,
  type CallOptions,
  type Channel,
  type Middleware,
} from '../call.js';
import type { Metadata } from '../metadata.js';
import type { MethodDescriptor } from '../service.js';

type Probe = { -readonly [K in keyof Call]: Call[K] };

const noMeta: Metadata = Object.freeze({});

/**
 * One probe per method, filled for each check and emptied after: a `passesThrough` is
 * synchronous and keeps nothing (so says its contract), and the probe keeps no input alive.
 */
export function passThroughProbe(
  method: MethodDescriptor,
  channel: Channel,
  middleware: readonly Middleware[],
  parentOf: (opts: CallOptions | undefined) => CallContext | null | undefined,
): (input: unknown, opts: CallOptions | undefined, deadline: number, signal: AbortSignal | undefined) => boolean {
  const probe: Probe = {
    side: 'client',
    method,
    input: undefined,
    meta: noMeta,
    responseMeta: noMeta,
    deadline: Number.POSITIVE_INFINITY,
    signal: neverAborted,
    peer: undefined,
    parent: undefined,
  };
  return (input, opts, deadline, signal) => {
    probe.input = input;
    probe.meta = opts?.meta ?? noMeta;
    probe.deadline = deadline;
    probe.signal = signal ?? neverAborted;
    probe.parent = parentOf(opts);
    probe.peer = channel.peer;
    try {
      return allPassThrough(middleware, probe);
    } finally {
      probe.input = undefined;
      probe.meta = noMeta;
      probe.signal = neverAborted;
      probe.parent = undefined;
    }
  };
}
