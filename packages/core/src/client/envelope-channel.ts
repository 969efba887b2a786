/**
 * A {@link Channel} over any frame or message transport: ids, pending
 * calls, deadlines, cancellation, server streams and reconnection, done
 * once for all of them.
 */
import type { Channel, ChannelCall } from '../call.js';
import {
  encodeEnd,
  encodeInput,
  encodeRequest,
  errorFromWire,
  idFromHead,
  PING_METHOD,
  type Id,
  type ResponseMessage,
} from '../envelope.js';
import { RpcError } from '../error.js';
import { checkMetadataSize, metadataFromWire } from '../metadata.js';
import type { FrameHandler, FrameTransport, MessageHandler, MessageTransport, Peer, ResponseFields } from '../transport.js';
import { CallTable } from '../call-table.js';
import { DeadlineTimer } from '../deadline-timer.js';
import { frameTooLarge } from '../frame-size.js';
import { parsePeerJson } from '../json-depth.js';
import { parseSimpleResult } from '../simple-frames.js';
import { Keepalive, type KeepaliveOptions } from './keepalive.js';
import { FrameLink, MessageLink, type Link } from './links.js';
import { StreamQueue } from './stream-queue.js';
import { sleep } from './sleep.js';
import { streamWindows } from '../windows.js';

interface Pending {
  readonly conn: Link;
  readonly call: ChannelCall;
  /** Inputs the server still takes (a call that takes a stream); the pump waits at none. */
  credit: number;
  /** The input pump, waiting for credit. */
  wake: (() => void) | undefined;
  /** Set for server streams; unary calls use resolve/reject. */
  readonly queue: StreamQueue<unknown> | undefined;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: RpcError) => void;
  onAbort: (() => void) | undefined;
}

const noop = (): void => {};

function deadlineError(why: string | undefined): RpcError {
  return new RpcError('DEADLINE_EXCEEDED', `deadline exceeded waiting for the response${why === undefined ? '' : `: ${why}`}`);
}

/** Delay between reconnection attempts of `waitForReady` calls: 50 ms doubling to 2 s. */
function backoff(attempt: number): number {
  return Math.min(2000, 50 * 2 ** attempt);
}

export class EnvelopeChannel implements Channel {
  readonly #transport: FrameTransport | MessageTransport;
  readonly #url: URL;
  #conn: Link | undefined;
  #connecting: Promise<Link> | undefined;
  #closed = false;
  #nextId = 1;
  readonly #pending = new CallTable<Pending, number>();
  readonly #deadlines = new DeadlineTimer(
    this.#pending,
    (p) => p.call.deadline,
    (id, p) => this.#cancel(id, deadlineError(p.conn.whyUnanswered())),
  );

  readonly peer: Peer;
  readonly #keepalive: KeepaliveOptions | undefined;
  /** Stream items a server may send ahead of what the caller has taken. */
  readonly #itemWindow: number;

  constructor(transport: FrameTransport | MessageTransport, url: URL, keepalive?: KeepaliveOptions) {
    this.#transport = transport;
    this.#url = url;
    this.#keepalive = keepalive;
    this.#itemWindow = streamWindows(transport).items;
    // Without credentials: middleware may log or export it (redis://user:password@host).
    const address = new URL(url.href);
    address.username = '';
    address.password = '';
    this.peer = { transport: url.protocol.slice(0, -1), address: address.href };
  }

  /** Open the first connection; rejects with UNAVAILABLE when nobody answers. */
  async open(): Promise<void> {
    await this.#connectOnce();
  }

  unary(call: ChannelCall): Promise<unknown> {
    const conn = this.#conn;
    if (conn !== undefined) return this.#start(conn, call, undefined);
    return this.#connectFor(call).then((c) => this.#start(c, call, undefined));
  }

  stream(call: ChannelCall): AsyncIterable<unknown> {
    return {
      [Symbol.asyncIterator]: () => {
        let id = 0;
        const queue: StreamQueue<unknown> = new StreamQueue(() => this.#cancel(id, undefined));
        const started = (c: Link): void => {
          if (queue.settled) return; // left before the connection was ready
          id = this.#nextId++;
          this.#start(c, call, queue, id).then(
            () => queue.end(),
            (e: unknown) => queue.fail(e),
          );
        };
        const conn = this.#conn;
        if (conn !== undefined) started(conn);
        else this.#connectFor(call).then(started, (e: unknown) => queue.fail(e));
        return queue;
      },
    };
  }

  async notify(call: ChannelCall): Promise<void> {
    const conn = this.#conn ?? (await this.#connectFor(call));
    const frame = encode(undefined, call, Infinity, conn.maxFrameBytes, 'notification');
    if (frame instanceof RpcError) throw frame;
    conn.request(frame, undefined, call, undefined);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const conn = this.#conn;
    this.#conn = undefined;
    this.#failAll(undefined, new RpcError('CANCELLED', 'the channel was closed'));
    this.#deadlines.stop();
    conn?.close();
  }

  /** Send a call on `conn` and settle it on the response, the deadline or an abort. */
  #start(conn: Link, call: ChannelCall, queue: StreamQueue<unknown> | undefined, id = this.#nextId++): Promise<unknown> {
    if (call.signal?.aborted) return Promise.reject(new RpcError('CANCELLED', 'the call was cancelled'));
    const remaining = call.deadline - Date.now();
    if (remaining <= 0) return Promise.reject(new RpcError('DEADLINE_EXCEEDED', 'the deadline passed before sending'));
    const framed = conn instanceof FrameLink;
    if (call.inputs !== undefined && !framed) {
      const why = `${call.method} takes a stream of inputs, which ${this.#url.protocol}// cannot carry to the server running the call (use a socket, pipe, shared memory, WebSocket or gRPC)`;
      return Promise.reject(new RpcError('UNIMPLEMENTED', why));
    }
    // A stream's items come only as fast as the caller takes them (credit), where renewals reach the server.
    const credit = conn.grants && queue !== undefined ? this.#itemWindow : undefined;
    const frame = encode(id, call, remaining, conn.maxFrameBytes, 'request', credit);
    if (frame instanceof RpcError) return Promise.reject(frame);
    return new Promise((resolve, reject) => {
      const p: Pending = { conn, call, queue, resolve, reject, onAbort: undefined, credit: 0, wake: undefined };
      this.#pending.set(id, p);
      if (call.deadline !== Infinity) this.#deadlines.track(call.deadline);
      if (call.signal !== undefined) {
        p.onAbort = () => this.#cancel(id, new RpcError('CANCELLED', 'the call was cancelled'));
        call.signal.addEventListener('abort', p.onAbort, { once: true });
      }
      conn.request(frame, id, call, Number.isFinite(remaining) ? Math.max(0, Math.ceil(remaining)) : undefined);
      if (queue !== undefined && conn.counts) this.#grantAsTaken(id, queue, conn);
      if (call.inputs !== undefined) void this.#sendInputs(id, p, call.inputs, conn as FrameLink);
    });
  }

  /**
   * Tell the server, each half window, how many items the caller took: it sends no more than that
   * ahead (or tell a medium that paces its own reading by it: MessageConnection.taken).
   */
  #grantAsTaken(id: number, queue: StreamQueue<unknown>, conn: Link): void {
    let taken = 0;
    queue.onTaken = () => {
      if (++taken < this.#itemWindow >> 1) return;
      if (this.#pending.get(id)?.conn === conn) conn.grant(id, taken);
      taken = 0;
    };
  }

  /**
   * Send a call's inputs as the server grants credit, then the end of them. An input that does
   * not fit its schema, or an iterable that throws, fails the call (the server is told); a call
   * that ends first stops the caller's iterable.
   */
  async #sendInputs(id: number, p: Pending, inputs: AsyncIterable<unknown>, conn: FrameLink): Promise<void> {
    const it = inputs[Symbol.asyncIterator]();
    const live = (): boolean => this.#pending.get(id) === p;
    try {
      for (;;) {
        while (p.credit <= 0 && live()) await new Promise<void>((resolve) => (p.wake = resolve));
        if (!live()) break;
        const r = await it.next();
        if (!live()) break;
        if (r.done === true) return conn.request(encodeEnd(id));
        p.credit--;
        const frame = encodeInput(id, r.value);
        const tooLarge = frameTooLarge(frame, conn.maxFrameBytes, 'input');
        if (tooLarge !== undefined) throw tooLarge;
        conn.request(frame);
      }
    } catch (e) {
      return this.#cancel(id, RpcError.from(e, 'CANCELLED'));
    }
    await it.return?.();
  }

  /** Stop call `id` here and tell the server; `error` is what the caller sees (none after `break`). */
  #cancel(id: number, error: RpcError | undefined): void {
    const p = this.#settle(id);
    if (p === undefined) return;
    p.conn.cancel(id);
    if (error !== undefined) p.reject(error);
    else p.resolve(undefined);
  }

  /** Forget call `id` and its abort listener; returns it if it was pending. */
  #settle(id: number): Pending | undefined {
    const p = this.#pending.get(id);
    if (p === undefined) return undefined;
    this.#pending.delete(id);
    p.wake?.();
    if (p.onAbort !== undefined) p.call.signal?.removeEventListener('abort', p.onAbort);
    return p;
  }

  #onMessage(msg: unknown): void {
    if (typeof msg !== 'object' || msg === null) return;
    const m = msg as ResponseMessage | ResponseFields;
    if (typeof m.id !== 'number') return; // we only send numeric ids
    if ('credit' in m) {
      const p = this.#pending.get(m.id);
      if (p === undefined || typeof m.credit !== 'number' || !(m.credit >= 1)) return;
      p.credit += Math.floor(m.credit);
      const wake = p.wake;
      p.wake = undefined;
      wake?.();
    } else if ('result' in m) {
      this.#onResult(m.id, m.result, m.meta);
    } else if ('error' in m) {
      const p = this.#settle(m.id);
      p?.reject(errorFromWire(m.error, m.meta, p.call.errors));
    } else if ('item' in m) {
      const p = this.#pending.get(m.id);
      if (p?.queue === undefined) return;
      try {
        p.queue.push(p.call.decode(m.item, typeof m.itemId === 'string' ? m.itemId : undefined));
      } catch (e) {
        this.#cancel(m.id, RpcError.from(e, 'INTERNAL'));
      }
    }
  }

  #onResult(id: number, result: unknown, meta: unknown): void {
    const p = this.#settle(id);
    if (p === undefined) return;
    if (meta !== undefined) this.#responseMeta(p, meta);
    if (p.queue !== undefined) return p.resolve(undefined); // a stream's end
    let value: unknown;
    try {
      value = p.call.decode(result);
    } catch (e) {
      return p.reject(RpcError.from(e, 'INTERNAL'));
    }
    p.resolve(value);
  }

  #responseMeta(p: Pending, wire: unknown): void {
    const meta = metadataFromWire(wire);
    if (meta !== undefined && !(meta instanceof RpcError)) p.call.onResponseMeta?.(meta);
  }

  /** A frame of text from the server: a response, a stream item, or a batch's answer. */
  #onText(frame: string, mine: Link | undefined): void {
    const simple = parseSimpleResult(frame);
    if (simple !== undefined) return this.#onResult(simple.id, simple.result, undefined);
    let msg: unknown;
    try {
      msg = parsePeerJson(frame);
    } catch {
      // A peer that sends non-JSON is broken: fail fast rather than let calls hang.
      if (mine !== undefined) {
        this.#lost(mine, new RpcError('INTERNAL', `malformed frame from server: ${frame.slice(0, 80)}`));
        mine.close();
      }
      return;
    }
    if (Array.isArray(msg)) for (const m of msg) this.#onMessage(m);
    else this.#onMessage(msg);
  }

  #onOversized(id: Id | undefined, bytes: number): void {
    if (typeof id !== 'number') return;
    this.#settle(id)?.reject(new RpcError('RESOURCE_EXHAUSTED', `response of ${bytes} bytes exceeds this client's frame limit`));
  }

  #onClosed(mine: Link | undefined, error: Error | undefined): void {
    if (mine === undefined) return;
    const reason = error === undefined ? 'the connection closed' : error.message;
    const code = error instanceof RpcError ? error.code : 'UNAVAILABLE';
    this.#lost(mine, new RpcError(code, `connection to ${this.#url.href} lost: ${reason}`, { cause: error }));
  }

  /** Open a link; its handler knows the link only once it is made (`mine`). */
  async #link(): Promise<Link> {
    let mine: Link | undefined;
    let alive: Keepalive | undefined;
    if (this.#transport.kind === 'messages') {
      const handler: MessageHandler = {
        response: (r) => {
          alive?.heard();
          if (typeof r === 'string') this.#onText(r, mine);
          else this.#onMessage(r);
        },
        oversized: (bytes, head) => this.#onOversized(typeof head === 'string' ? idFromHead(head) : head.id, bytes),
        refused: (request, error) => {
          const e = RpcError.from(error, 'UNAVAILABLE');
          for (const id of request.ids) if (typeof id === 'number') this.#settle(id)?.reject(e);
        },
        closed: (error) => {
          alive?.stop();
          this.#onClosed(mine, error);
        },
      };
      const conn = await this.#transport.connect(this.#url, handler);
      const link = new MessageLink(conn);
      if (this.#keepalive !== undefined && conn.ping !== undefined) {
        const ping = conn.ping.bind(conn);
        // A medium proves itself (Redis answers PING) even while every worker is busy with long calls.
        alive = this.#watch(link, this.#keepalive, () => void ping().then(() => alive?.heard(), noop), 'the medium');
      }
      return (mine = link);
    }
    const handler: FrameHandler = {
      frame: (frame) => {
        alive?.heard();
        this.#onText(frame, mine);
      },
      oversized: (head, bytes) => {
        alive?.heard();
        this.#onOversized(idFromHead(head), bytes);
      },
      drain: noop,
      closed: (error) => {
        alive?.stop();
        this.#onClosed(mine, error);
      },
    };
    const link = new FrameLink(await this.#transport.connect(this.#url, handler));
    if (this.#keepalive !== undefined) {
      const options = this.#keepalive;
      const ping = (): void => link.request(encodeRequest(this.#nextId++, PING_METHOD, undefined, undefined, options.timeoutMs));
      alive = this.#watch(link, options, ping, 'the server');
    }
    return (mine = link);
  }

  /** Keepalive on a connection: `ping` while calls wait on it and nothing arrives; a silent one is closed as lost. */
  #watch(link: Link, options: KeepaliveOptions, ping: () => void, who: string): Keepalive {
    const busy = (): boolean => {
      for (const p of this.#pending.values()) if (p.conn === link) return true;
      return false;
    };
    const dead = (silentMs: number): void => {
      const why = `no answer from ${who} for ${silentMs} ms, a keepalive ping included (it may be stopped, or the network down)`;
      this.#lost(link, new RpcError('UNAVAILABLE', `connection to ${this.#url.href} lost: ${why}`));
      link.close();
    };
    return new Keepalive(options, busy, ping, dead);
  }

  /** Connection `conn` is gone: fail its calls, forget it so the next call reconnects. */
  #lost(conn: Link, error: RpcError): void {
    if (this.#conn === conn) this.#conn = undefined;
    this.#failAll(conn, error);
  }

  #failAll(conn: Link | undefined, error: RpcError): void {
    for (const [id, p] of this.#pending) {
      if (conn !== undefined && p.conn !== conn) continue;
      this.#settle(id);
      p.reject(error);
    }
  }

  #connectOnce(): Promise<Link> {
    if (this.#conn !== undefined) return Promise.resolve(this.#conn);
    if (this.#closed) return Promise.reject(new RpcError('CANCELLED', 'the channel was closed'));
    this.#connecting ??= this.#open().finally(() => (this.#connecting = undefined));
    return this.#connecting;
  }

  async #open(): Promise<Link> {
    let conn: Link;
    try {
      conn = await this.#link();
    } catch (e) {
      const err = RpcError.from(e, 'UNAVAILABLE');
      throw err.code === 'UNAVAILABLE' && !err.message.includes(this.#url.href)
        ? new RpcError('UNAVAILABLE', `cannot connect to ${this.#url.href}: ${err.message}`, { cause: e })
        : err;
    }
    if (this.#closed) {
      conn.close();
      throw new RpcError('CANCELLED', 'the channel was closed');
    }
    this.#conn = conn;
    return conn;
  }

  /** A connection for `call`: at once, or (waitForReady) after retries until its deadline. */
  async #connectFor(call: ChannelCall): Promise<Link> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#connectOnce();
      } catch (e) {
        const err = RpcError.from(e, 'UNAVAILABLE');
        if (!call.waitForReady || err.code !== 'UNAVAILABLE') throw err;
        const wait = Math.min(backoff(attempt), call.deadline - Date.now());
        if (wait <= 0) {
          throw new RpcError('DEADLINE_EXCEEDED', `no connection before the deadline: ${err.message}`, { cause: e });
        }
        await sleep(wait, call.signal);
      }
    }
  }
}

/** A request's envelope, or the error that stops it being sent (not JSON, too large, too much metadata). */
function encode(
  id: number | undefined,
  call: ChannelCall,
  timeout: number,
  max: number,
  what: string,
  credit?: number,
): string | RpcError {
  const tooMuch = checkMetadataSize(call.meta, 'request metadata');
  if (tooMuch !== undefined) return tooMuch;
  let frame: string;
  try {
    frame = encodeRequest(id, call.method, call.params, call.meta, timeout, credit, call.resumeAfter);
  } catch (e) {
    return new RpcError('INVALID_ARGUMENT', `params cannot be encoded as JSON: ${(e as Error).message}`);
  }
  return frameTooLarge(frame, max, what) ?? frame;
}
