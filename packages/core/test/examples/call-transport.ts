// A call transport: a protocol with call semantics of its own (gRPC is one) maps
// core's call model onto them — here, in process, with a JSON round trip for the wire.
// Its server side hands each call to core's engine (a CallServer).
import {
  errorFromWire,
  errorToWire,
  RpcError,
  type CallOutcome,
  type CallServer,
  type CallTransport,
  type Channel,
  type ChannelCall,
  type IncomingCall,
} from '../../src/index.js';
import { StreamQueue } from '../../src/client/stream-queue.js';

const wire = <T>(value: T): T => (value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T));

export function directTransport(): CallTransport {
  const servers = new Map<string, CallServer>();
  let clients = 0;
  return {
    kind: 'calls',
    schemes: ['direct'],
    async listen(url, engine) {
      if (servers.has(url.host)) throw new RpcError('ALREADY_EXISTS', `address in use: ${url.href}`);
      servers.set(url.host, engine);
      return { url, close: async () => void servers.delete(url.host) };
    },
    async connect(url): Promise<Channel> {
      const peer = { transport: 'direct', address: `client-${++clients}` };
      const engine = async (call: ChannelCall): Promise<CallServer> => {
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
          const out = await (await engine(call)).unary(incoming(call, ac.signal));
          cancelled(call);
          return call.decode(settle(call, out));
        },
        stream(call) {
          return {
            [Symbol.asyncIterator]: () => {
              const ac = new AbortController();
              call.signal?.addEventListener('abort', () => ac.abort());
              const queue = new StreamQueue<unknown>(() => ac.abort());
              engine(call)
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
          void (await engine(call)).unary(incoming(call, new AbortController().signal));
        },
        async close() {},
      };
    },
  };
}
