/**
 * The in-memory transport: client and server in one process, frames passed
 * as strings on the microtask queue. For tests and same-process calls; it
 * runs the whole envelope path, so what works here works on the wire.
 */
import { RpcError } from './error.js';
import type { EventBus, EventCarrier } from './events.js';
import { resolveTransportOptions, type TransportOptions } from './options.js';
import type { Connection, FrameHandler, FrameTransport, Listener } from './transport.js';

/** Options of {@link memoryTransport}: every transport's `maxFrameBytes` (16 MiB); `logger` is unused. */
export type MemoryTransportOptions = TransportOptions;

class MemoryConnection implements Connection {
  other: MemoryConnection | undefined;
  handler: FrameHandler | undefined;
  #closed = false;

  constructor(
    readonly maxFrameBytes: number,
    readonly peer: { transport: string; address: string },
  ) {}

  send(frame: string): boolean {
    const to = this.other;
    if (this.#closed || to === undefined) return false;
    queueMicrotask(() => to.#deliver(frame));
    return true;
  }

  #deliver(frame: string): void {
    if (this.#closed) return;
    const bytes = frame.length * 3 > this.maxFrameBytes ? Buffer.byteLength(frame) : 0;
    if (bytes > this.maxFrameBytes) this.handler?.oversized(frame.slice(0, 256), bytes);
    else this.handler?.frame(frame);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const handler = this.handler;
    queueMicrotask(() => handler?.closed());
    // As a socket does: the other end reads what was sent before it hears of the close.
    const other = this.other;
    if (other !== undefined) queueMicrotask(() => other.close());
  }
}

/**
 * Create an in-memory transport for `memory://<name>` URLs. Each instance is
 * its own namespace: servers (and event channels) are reachable only through
 * the same instance.
 */
export function memoryTransport(options: MemoryTransportOptions = {}): FrameTransport & EventCarrier {
  const { maxFrameBytes } = resolveTransportOptions('memoryTransport', options);
  const listeners = new Map<string, (conn: Connection) => FrameHandler>();
  const keyOf = (url: URL): string => url.host + url.pathname;
  let clients = 0;
  const channels = new Map<string, Set<(payload: string) => void>>();
  return {
    schemes: ['memory'],
    async events(url): Promise<EventBus> {
      const prefix = `${keyOf(url)}/`;
      const mine = new Set<() => Promise<void>>();
      return {
        async publish(channel, payload) {
          for (const listener of channels.get(prefix + channel) ?? []) queueMicrotask(() => listener(payload));
        },
        async subscribe(channel, listener) {
          const key = prefix + channel;
          const set = channels.get(key) ?? new Set();
          channels.set(key, set);
          const own = (payload: string): void => listener(payload); // one entry per subscription
          set.add(own);
          const stop = async (): Promise<void> => {
            set.delete(own);
            mine.delete(stop);
          };
          mine.add(stop);
          return stop;
        },
        async close() {
          for (const stop of [...mine]) await stop();
        },
      };
    },
    async connect(url, handler) {
      const accept = listeners.get(keyOf(url));
      if (accept === undefined) throw new RpcError('UNAVAILABLE', `nothing listens at ${url.href}`);
      const client = new MemoryConnection(maxFrameBytes, { transport: 'memory', address: url.href });
      const server = new MemoryConnection(maxFrameBytes, { transport: 'memory', address: `client-${++clients}` });
      client.other = server;
      server.other = client;
      client.handler = handler;
      server.handler = accept(server);
      return client;
    },
    async listen(url, accept): Promise<Listener> {
      const key = keyOf(url);
      if (listeners.has(key)) throw new RpcError('ALREADY_EXISTS', `address in use: ${url.href}`);
      listeners.set(key, accept);
      return {
        url,
        async close() {
          if (listeners.get(key) === accept) listeners.delete(key);
        },
      };
    },
  };
}
