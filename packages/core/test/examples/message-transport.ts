// A message transport: callers and servers share a medium — here one queue
// per URL, in memory — and core does the rest (a session per caller, cancels,
// aging, refusals). `records` stores requests member by member, as a medium
// with a record format of its own (the shared file) does, rather than as text.
import {
  CLIENT_CLOSED,
  controlText,
  messageBody,
  RpcError,
  takeAnswer,
  takeControl,
  type Answer,
  type ControlRecord,
  type Delivery,
  type MessageServer,
  type MessageTransport,
  type RequestRecord,
} from '../../src/index.js';

export interface QueueOptions {
  maxFrameBytes?: number;
  records?: boolean;
  /** Milliseconds each request waits in the queue before a server takes it. */
  delayMs?: number;
  /** No server there: `'queue'` keeps requests until one comes; `'fail'` refuses them and closes. */
  whenNoServer?: 'queue' | 'fail';
}

/** The medium, with what tests look at: deliveries not yet ended, and how each ended. */
export interface QueueTransport extends MessageTransport {
  readonly open: Set<Delivery>;
  readonly endings: ('end' | 'abandon')[];
}

export function queueTransport(options: QueueOptions = {}): QueueTransport {
  const maxFrameBytes = options.maxFrameBytes ?? 16 * 1024 * 1024;
  const servers = new Map<string, MessageServer[]>(); // by URL
  const waiting = new Map<string, (() => void)[]>(); // requests with no server yet
  const open = new Set<Delivery>();
  const endings: ('end' | 'abandon')[] = [];
  const idle: (() => void)[] = [];
  let callers = 0;
  let turn = 0;
  const ended = (d: Delivery, how: 'end' | 'abandon'): void => {
    if (!open.delete(d)) throw new Error(`a delivery from ${d.caller} ended twice`);
    endings.push(how);
    if (open.size === 0) for (const wake of idle.splice(0)) wake();
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
      // Cancels, credit and goodbyes go as a broker's control records do: text that every server hears.
      const control = (record: ControlRecord): void => {
        const text = controlText(CLIENT_CLOSED, record);
        for (const s of servers.get(key) ?? []) takeControl(s, CLIENT_CLOSED, text);
      };
      const close = (error?: Error): void => {
        if (closed) return;
        closed = true;
        control({ caller, left: true });
        queueMicrotask(() => handler.closed(error));
      };
      // Answers travel back as bytes, or member by member.
      const answer = (a: Answer): boolean => {
        queueMicrotask(() =>
          options.records === true && a.fields !== undefined
            ? handler.response(a.fields)
            : takeAnswer(handler, Buffer.from(a.text), maxFrameBytes),
        );
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
            // Over the limit, core is given the first bytes (to read the id from) and the size.
            const { body: text, tooLarge } = messageBody(Buffer.from(request.text), maxFrameBytes);
            const asRecord = options.records === true && request.fields !== undefined && tooLarge === undefined;
            const body: string | RequestRecord = asRecord ? { ...request.fields } : text;
            const d: Delivery = {
              caller,
              peer: { transport: 'queue', address: caller },
              body,
              tooLarge,
              waitedMs: Date.now() - sentAt, // core takes it off the request's timeout
              item: answer,
              end: (a) => {
                if (a !== undefined) answer(a);
                ended(d, 'end');
              },
              abandon: () => ended(d, 'abandon'),
            };
            open.add(d);
            server.deliver(d);
          };
          setTimeout(take, options.delayMs ?? 0);
        },
        cancel: (id) => control({ caller, cancel: id }),
        credit: (id, n) => control({ caller, credit: id, n }), // so the client asks for credit
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
        // Stop taking requests; wait until core has ended or abandoned every delivery.
        async close() {
          servers.set(
            key,
            (servers.get(key) ?? []).filter((s) => s !== server),
          );
          if (open.size > 0) await new Promise<void>((r) => idle.push(r));
        },
      };
    },
  };
}
