/**
 * The call-level seam (what gRPC implements), exercised by a transport that
 * calls the server's Dispatcher in-process, with a JSON round trip standing
 * in for the wire. It runs the conformance suite like any transport.
 */
import { runConformance } from '../src/conformance/index.js';
import {
  errorFromWire,
  errorToWire,
  RpcError,
  type CallOutcome,
  type CallTransport,
  type Channel,
  type ChannelCall,
  type Dispatcher,
  type IncomingCall,
} from '../src/index.js';
import { StreamQueue } from '../src/client/stream-queue.js';

const wire = <T>(value: T): T => (value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T));

function directTransport(): CallTransport {
  const servers = new Map<string, Dispatcher>();
  let clients = 0;
  return {
    kind: 'calls',
    schemes: ['direct'],
    async listen(url, dispatcher) {
      if (servers.has(url.host)) throw new RpcError('ALREADY_EXISTS', `address in use: ${url.href}`);
      servers.set(url.host, dispatcher);
      return { url, close: async () => void servers.delete(url.host) };
    },
    async connect(url): Promise<Channel> {
      const peer = { transport: 'direct', address: `client-${++clients}` };
      const dispatcher = async (call: ChannelCall): Promise<Dispatcher> => {
        for (;;) {
          const d = servers.get(url.host);
          if (d !== undefined) return d;
          if (!call.waitForReady) throw new RpcError('UNAVAILABLE', `nothing listens at ${url.href}`);
          if (Date.now() >= call.deadline) throw new RpcError('DEADLINE_EXCEEDED', 'no server before the deadline');
          await new Promise((r) => setTimeout(r, 20));
        }
      };
      const incoming = (call: ChannelCall, signal: AbortSignal): IncomingCall => ({
        method: call.method,
        params: wire(call.params),
        meta: wire(call.meta) ?? {},
        deadline: call.deadline,
        peer,
        signal,
      });
      const settle = (call: ChannelCall, out: CallOutcome): unknown => {
        if (out.meta !== undefined) call.onResponseMeta?.(wire(out.meta));
        if (out.error !== undefined) throw errorFromWire(wire(errorToWire(out.error)), wire(out.meta), call.errors);
        return out.result;
      };
      const cancelled = (call: ChannelCall): void => {
        if (call.signal?.aborted) throw new RpcError('CANCELLED', 'the call was cancelled');
      };
      if (!servers.has(url.host)) throw new RpcError('UNAVAILABLE', `nothing listens at ${url.href}`);
      return {
        async unary(call) {
          cancelled(call);
          const ac = new AbortController();
          call.signal?.addEventListener('abort', () => ac.abort());
          const out = await (await dispatcher(call)).unary(incoming(call, ac.signal));
          cancelled(call);
          return call.decode(settle(call, out));
        },
        stream(call) {
          return {
            [Symbol.asyncIterator]: () => {
              const ac = new AbortController();
              call.signal?.addEventListener('abort', () => ac.abort());
              const queue = new StreamQueue<unknown>(() => ac.abort());
              dispatcher(call)
                .then((d) => d.stream(incoming(call, ac.signal), (item) => queue.push(call.decode(wire(item)))))
                .then((out) => {
                  cancelled(call);
                  settle(call, out);
                  queue.end();
                })
                .catch((e: unknown) => queue.fail(e));
              return queue;
            },
          };
        },
        async notify(call) {
          void (await dispatcher(call)).unary(incoming(call, new AbortController().signal));
        },
        async close() {},
      };
    },
  };
}

let n = 0;
runConformance({
  name: 'a call-level transport (in-process dispatcher)',
  transports: [directTransport()],
  maxFrameBytes: Number.MAX_SAFE_INTEGER,
  address: () => `direct://d${n++}`,
  skip: [
    {
      cases: ['wire-errors', 'malformed-frames', 'batch', 'oversized-frame'],
      reason: 'a call-level transport carries no JSON-RPC frames',
    },
    { cases: ['frame-limit'], reason: 'this in-process transport has no message size limit' },
    { cases: ['discover'], reason: 'rpc.discover is answered by the frame session; call transports list methods their own way' },
  ],
});
