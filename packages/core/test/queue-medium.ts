/**
 * A message medium in memory, for core's tests of the message seam: one
 * queue per URL, served by any number of servers in turn (requests wait in
 * it while none is there); cancels and goodbyes reach every server, as on a
 * broker's control channel. With
 * `records`, requests and answers travel member by member (as on the shared
 * file) instead of as text. `delayMs` holds each request in the queue first.
 */
import { RpcError, type Answer, type Delivery, type MessageServer, type MessageTransport, type RequestRecord } from '../src/index.js';

export interface QueueMediumOptions {
  records?: boolean;
  maxFrameBytes?: number;
  /** Milliseconds each request waits in the queue before a server takes it. */
  delayMs?: number;
  /**
   * With no server there: `'queue'` (default) keeps requests until one comes;
   * `'fail'` refuses them and closes the connection (and refuses to connect).
   */
  whenNoServer?: 'queue' | 'fail';
}

/** What the tests can see of the medium. */
export interface QueueMedium extends MessageTransport {
  /** Deliveries taken by servers and not yet ended or abandoned. */
  readonly open: Set<QueueDelivery>;
  /** How each delivery ended: `end`, `end-empty` (no answer due) or `abandon`. */
  readonly endings: string[];
}

class QueueDelivery implements Delivery {
  readonly peer;
  readonly waitedMs: number;
  constructor(
    readonly caller: string,
    readonly body: string | RequestRecord,
    sentAt: number,
    readonly tooLarge: number | undefined,
    private readonly answer: (a: Answer) => boolean,
    private readonly done: (d: QueueDelivery, how: string) => void,
  ) {
    this.peer = { transport: 'queue', address: caller };
    this.waitedMs = Date.now() - sentAt;
  }
  item(a: Answer): boolean {
    return this.answer(a);
  }
  end(a: Answer | undefined): void {
    if (a !== undefined) this.answer(a);
    this.done(this, a === undefined ? 'end-empty' : 'end');
  }
  abandon(): void {
    this.done(this, 'abandon');
  }
}

export function queueMedium(options: QueueMediumOptions = {}): QueueMedium {
  const maxFrameBytes = options.maxFrameBytes ?? 16 * 1024 * 1024;
  const servers = new Map<string, MessageServer[]>();
  /** Requests waiting for a server, by URL. */
  const waiting = new Map<string, (() => void)[]>();
  const open = new Set<QueueDelivery>();
  const endings: string[] = [];
  const idle: (() => void)[] = [];
  let callers = 0;
  let turn = 0;
  const done = (d: QueueDelivery, how: string): void => {
    if (!open.delete(d)) throw new Error(`delivery from ${d.caller} ended twice (${how})`);
    endings.push(how);
    if (open.size === 0) for (const w of idle.splice(0)) w();
  };
  return {
    kind: 'messages',
    schemes: ['queue'],
    maxFrameBytes,
    open,
    endings,
    async connect(url, handler) {
      const key = url.href;
      const fail = options.whenNoServer === 'fail';
      if (fail && (servers.get(key)?.length ?? 0) === 0) throw new RpcError('UNAVAILABLE', `nothing serves ${key}`);
      const caller = `caller-${++callers}`;
      let closed = false;
      const close = (error?: Error): void => {
        if (closed) return;
        closed = true;
        for (const s of servers.get(key) ?? []) s.left(caller);
        queueMicrotask(() => handler.closed(error));
      };
      const answer = (a: Answer): boolean => {
        queueMicrotask(() => handler.response(options.records === true && a.fields !== undefined ? a.fields : a.text));
        return true;
      };
      return {
        maxFrameBytes,
        peer: { transport: 'queue', address: key },
        send(request) {
          const sentAt = Date.now();
          const take = (): void => {
            const all = servers.get(key) ?? [];
            const server = all[turn++ % Math.max(1, all.length)];
            if (server === undefined && fail) {
              handler.refused(request, new RpcError('UNAVAILABLE', 'nobody serves the queue'));
              return close(new RpcError('UNAVAILABLE', 'nobody serves the queue'));
            }
            if (server === undefined) return void waiting.set(key, [...(waiting.get(key) ?? []), take]);
            const bytes = Buffer.byteLength(request.text);
            const big = bytes > maxFrameBytes ? bytes : undefined;
            const record = options.records === true && request.fields !== undefined;
            const body = big !== undefined ? request.text.slice(0, 256) : record ? { ...request.fields } : request.text;
            const d = new QueueDelivery(caller, body, sentAt, big, answer, done);
            open.add(d);
            server.deliver(d);
          };
          setTimeout(take, options.delayMs ?? 0);
        },
        cancel(id) {
          for (const s of servers.get(key) ?? []) s.cancel(caller, id);
        },
        close: () => close(),
      };
    },
    async listen(url, server) {
      const key = url.href;
      servers.set(key, [...(servers.get(key) ?? []), server]);
      for (const take of waiting.get(key) ?? []) take();
      waiting.delete(key);
      return {
        url,
        async close() {
          servers.set(key, (servers.get(key) ?? []).filter((s) => s !== server));
          if (open.size > 0) await new Promise<void>((r) => idle.push(r));
        },
      };
    },
  };
}
