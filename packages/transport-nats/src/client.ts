/**
 * A client's side of the NATS transport, as one core {@link MessageConnection}.
 * Each request is published to the service subject (durable mode: into its
 * JetStream work queue) with a reply subject of its own under this
 * connection's inbox, so a "no responders" status names the request it
 * answers. The client keeps each request until its last answer, so it can
 * fail it when nobody will answer: no worker (503), the worker running it
 * gone (it stops answering pings), or NATS lost while it was in flight.
 */
import { randomBytes } from 'node:crypto';
import {
  CLIENT_CLOSED,
  controlText,
  RpcError,
  takeAnswer,
  type ControlRecord,
  type MessageConnection,
  type MessageHandler,
  type OutgoingRequest,
  type Peer,
  type RequestId,
} from '@interoffice/core';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { createInbox, headers, type Msg, type MsgHdrs, type Subscription } from '@nats-io/transport-node';
import type { NatsEndpoint } from './address.js';
import { CLIENT, controlSubject, DEADLINE, ITEM, OWN_HEADERS, pingSubject, REPLY, WORKER, workerSubject } from './headers.js';
import { META_ROOM, type Link } from './link.js';
import type { ResolvedOptions } from './options.js';

/** A request sent and not yet fully answered. */
interface Pending {
  readonly request: OutgoingRequest;
  /** The worker running it, once it said so. */
  worker?: string;
}

export interface Setup {
  readonly link: Link;
  readonly endpoint: NatsEndpoint;
  readonly subject: string;
  /** Durable mode: the work queue's subject. */
  readonly queue: string | undefined;
  readonly options: ResolvedOptions;
}

const noWorker = (s: Setup): string => `no worker serves ${s.subject} at ${s.endpoint.server}`;

// What a NATS header can carry (HTTP's token and field-value rules); other metadata travels in the body only.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\uffff]*$/;

const headerMeta = (key: string, value: string): boolean =>
  HEADER_NAME.test(key) && HEADER_VALUE.test(value) && !OWN_HEADERS.some((p) => key.toLowerCase().startsWith(p));

export class NatsClientConnection implements MessageConnection {
  readonly maxFrameBytes: number;
  readonly peer: Peer;
  readonly id = randomBytes(12).toString('base64url');
  readonly #s: Setup;
  readonly #handler: MessageHandler;
  readonly #inbox = createInbox();
  readonly #pending = new Map<number, Pending>();
  readonly #sub: Subscription;
  readonly #js: JetStreamClient | undefined;
  readonly #timer: ReturnType<typeof setInterval>;
  #seq = 0;
  #closed = false;

  constructor(s: Setup, handler: MessageHandler) {
    this.#s = s;
    this.#handler = handler;
    // The server's max_payload bounds every message with its headers: core refuses a larger request before it is sent.
    this.maxFrameBytes = Math.min(s.options.maxFrameBytes, s.link.maxBody() ?? Infinity);
    this.peer = { transport: 'nats', address: s.endpoint.display.href };
    this.#sub = s.link.nc.subscribe(`${this.#inbox}.>`, { callback: (_e, m) => this.#reply(m) });
    this.#js = s.queue === undefined ? undefined : jetstream(s.link.nc);
    this.#timer = setInterval(() => this.#check(), s.options.livenessMs).unref();
    // Lost NATS: the connection closes, failing its calls; the next call connects again.
    s.link.onDown = () => this.#shutdown(new RpcError('UNAVAILABLE', `lost NATS at ${s.endpoint.server}; calls in flight fail`));
  }

  send(request: OutgoingRequest): void {
    if (this.#closed) return;
    const { nc } = this.#s.link;
    const seq = ++this.#seq;
    if (request.ids.length > 0) this.#pending.set(seq, { request });
    const h = headers();
    h.set(CLIENT, this.id);
    if (request.deadline !== Infinity) h.set(DEADLINE, String(Math.ceil(request.deadline)));
    // Metadata as headers too, for consumers that read headers, while it fits their room; the body's `meta` is what workers use.
    const meta = request.fields?.meta ?? {};
    let room = META_ROOM;
    for (const [k, v] of Object.entries(meta)) {
      if (headerMeta(k, v) && (room -= Buffer.byteLength(k) + Buffer.byteLength(v) + 4) >= 0) h.set(k, v);
    }
    const reply = `${this.#inbox}.${seq}`;
    if (this.#js === undefined) {
      try {
        nc.publish(this.#s.subject, request.text, { reply, headers: h });
      } catch (e) {
        this.#pending.delete(seq); // the connection closed under us, say
        this.#refuse(request, `cannot publish to ${this.#s.subject}: ${String(e)}`);
      }
      return;
    }
    h.set(REPLY, reply);
    this.#enqueue(this.#js, seq, request, h, 0);
  }

  /**
   * Durable mode: publish into the work queue, again on failure (a stream
   * leader being elected, a server lost) until it is taken or the deadline
   * is near; the message id makes JetStream drop any second copy.
   */
  #enqueue(js: JetStreamClient, seq: number, request: OutgoingRequest, h: MsgHdrs, attempt: number): void {
    js.publish(this.#s.queue as string, request.text, { headers: h, msgID: `${this.id}.${seq}` }).catch((e: unknown) => {
      if (!this.#pending.has(seq) || this.#closed) return;
      const wait = Math.min(1000, 50 * 2 ** attempt);
      if (Date.now() + wait < request.deadline) {
        setTimeout(() => this.#enqueue(js, seq, request, h, attempt + 1), wait);
      } else {
        this.#pending.delete(seq);
        this.#refuse(request, `the work queue did not take the request: ${String(e)}`);
      }
    });
  }

  cancel(id: RequestId): void {
    this.#control({ caller: this.id, cancel: id });
  }

  /** Credit for a stream's items travels as a cancel does: every worker hears it, the one running the call applies it. */
  credit(id: RequestId, n: number): void {
    this.#control({ caller: this.id, credit: id, n });
  }

  /** Keepalive: a round trip to the NATS server (its PING/PONG), which a stopped server does not make. */
  ping(): Promise<void> {
    return this.#s.link.nc.flush();
  }

  /**
   * Core mode: connect only while a worker runs (it answers the subject's
   * ping), as a socket connects only while its server listens.
   */
  static async open(s: Setup, handler: MessageHandler): Promise<NatsClientConnection> {
    if (s.queue === undefined) {
      try {
        await s.link.nc.request(pingSubject(s.subject), '', { timeout: s.options.connectTimeoutMs });
      } catch (e) {
        await s.link.release();
        throw new RpcError('UNAVAILABLE', noWorker(s), { cause: e });
      }
    }
    return new NatsClientConnection(s, handler);
  }

  close(): void {
    this.#shutdown(undefined);
  }

  #shutdown(error: RpcError | undefined): void {
    if (this.#closed) return;
    this.#control({ caller: this.id, left: true });
    this.#closed = true;
    clearInterval(this.#timer);
    this.#sub.unsubscribe();
    this.#pending.clear();
    void this.#s.link.release();
    this.#handler.closed(error);
  }

  #control(record: ControlRecord): void {
    if (!this.#closed && this.#s.link.up)
      this.#s.link.nc.publish(controlSubject(this.#s.subject), controlText(CLIENT_CLOSED, record));
  }

  #refuse(request: OutgoingRequest, why: string): void {
    if (request.ids.length === 0 || this.#closed) return; // notifications: nobody waits for them
    const error = new RpcError('UNAVAILABLE', why);
    queueMicrotask(() => this.#handler.refused(request, error));
  }

  #reply(m: Msg): void {
    if (this.#closed) return;
    const seq = Number(m.subject.slice(this.#inbox.length + 1));
    const h = m.headers;
    if (h?.code === 503) {
      // Nobody subscribes to the subject: no worker runs. Like a socket with nobody listening,
      // the connection closes, and the next call connects again (waitForReady calls wait for a worker).
      if (this.#pending.has(seq)) this.#shutdown(new RpcError('UNAVAILABLE', noWorker(this.#s)));
      return;
    }
    const worker = h?.get(WORKER);
    if (worker) {
      const p = this.#pending.get(seq);
      if (p !== undefined) p.worker = worker;
      return;
    }
    if (!h?.has(ITEM)) this.#pending.delete(seq);
    try {
      takeAnswer(this.#handler, m.data, this.maxFrameBytes);
    } catch {
      // core handles every answer it is given; one that throws must not stop the others
    }
  }

  /** Forget requests nobody waits for any more; ask the workers running the rest whether they are there. */
  #check(): void {
    const now = Date.now();
    const workers = new Set<string>();
    for (const [seq, p] of this.#pending) {
      if (p.request.deadline < now - 1000) this.#pending.delete(seq);
      else if (p.worker !== undefined) workers.add(p.worker);
    }
    for (const w of workers) {
      this.#s.link.nc.request(workerSubject(w), '', { timeout: this.#s.options.livenessMs * 5 }).catch((e: unknown) => {
        if (/no.?responders|503/i.test(`${String(e)} ${String((e as Error).cause)}`)) this.#failWorker(w);
      });
    }
  }

  #failWorker(worker: string): void {
    for (const [seq, p] of this.#pending) {
      if (p.worker !== worker) continue;
      this.#pending.delete(seq);
      this.#refuse(p.request, `the worker running the call (${worker}) is gone`);
    }
  }
}
