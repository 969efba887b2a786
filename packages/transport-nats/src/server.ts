/**
 * A worker: takes requests from the service subject in the queue group
 * (core mode, each to one worker) or from the JetStream work queue
 * (durable mode), runs up to `concurrency` at once, and hands each to core
 * as a {@link Delivery}. Answers go to the request's reply subject. Every
 * worker also hears the subject's control messages (cancels, goodbyes) and
 * answers pings on a subject of its own, by which callers learn it is alive.
 */
import {
  bounded,
  CLIENT_CLOSED,
  messageBody,
  metadataFromHeaders,
  RpcError,
  takeControl,
  type Answer,
  type Delivery,
  type Listener,
  type MessageServer,
  type Peer,
} from '@interoffice/core';
import type { JsMsg } from '@nats-io/jetstream';
import { Svcm, type Service } from '@nats-io/services';
import { headers, nuid, type MsgHdrs, type Subscription } from '@nats-io/transport-node';
import type { Setup } from './client.js';
import { openDurable, type DurableQueue } from './durable.js';
import { CLIENT, controlSubject, DEADLINE, ITEM, OWN_HEADERS, pingSubject, QUEUE, WORKER, workerSubject } from './headers.js';

/** How long each step of closing may wait for NATS. */
const CLOSE_STEP_MS = 2000;

/** The version `$SRV.INFO` reports: of the wire format (docs/transports/nats.md), not of the package. */
const SERVICE_VERSION = '1.0.0';

/** One request as the worker took it, from either mode. */
export interface Incoming {
  readonly data: Uint8Array;
  readonly headers: MsgHdrs | undefined;
  /** Where its answers go: the message's reply subject (core), its `Interoffice-Reply` header (durable). */
  readonly reply: string | undefined;
  /** When it reached NATS (durable) or this worker (core), epoch ms. */
  readonly arrived: number;
  /** Durable mode: the JetStream message, to acknowledge. */
  readonly queued?: JsMsg;
}

class NatsDelivery implements Delivery {
  readonly caller: string;
  readonly peer: Peer;
  readonly body: string;
  readonly tooLarge: number | undefined;
  readonly waitedMs: number;
  /** A stock client's headers as metadata (the body's `meta` wins); ours send it in the body, and copies are not read again. */
  readonly meta?: Record<string, string>;
  noticed = false;
  done = false;
  itemSent = false;

  constructor(
    readonly worker: NatsWorker,
    readonly incoming: Incoming,
    maxFrameBytes: number,
    /** The server's max_payload, less room for headers: NATS refuses a larger answer, so core answers RESOURCE_EXHAUSTED in its place. */
    readonly maxAnswerBytes: number | undefined,
  ) {
    const h = incoming.headers;
    this.caller = h?.get(CLIENT) || `plain.${nuid.next()}`;
    this.peer = { transport: 'nats', address: this.caller };
    ({ body: this.body, tooLarge: this.tooLarge } = messageBody(incoming.data, maxFrameBytes));
    this.waitedMs = Math.max(0, Date.now() - incoming.arrived);
    if (h !== undefined && !h.has(CLIENT))
      this.meta = metadataFromHeaders(
        h.keys().map((k) => [k, h.get(k)]),
        OWN_HEADERS,
      );
  }

  item(answer: Answer): boolean {
    this.worker.item(this, answer);
    return true; // NATS takes what it is given; a slow caller is NATS's slow consumer
  }

  end(answer: Answer | undefined): void {
    this.worker.finish(this, answer);
  }

  abandon(): void {
    this.worker.abandon(this);
  }
}

export class NatsWorker implements Listener {
  readonly url: URL;
  readonly id = nuid.next();
  readonly #s: Setup;
  readonly #server: MessageServer;
  readonly #running = new Set<NatsDelivery>();
  readonly #waiting: Incoming[] = [];
  /** Core mode: where connecting clients find a worker; the first thing closed. */
  #ping: Subscription | undefined;
  readonly #timer: ReturnType<typeof setInterval>;
  #durable: DurableQueue | undefined;
  #service: Service | undefined;
  #closing = false;
  #idle: (() => void) | undefined;

  private constructor(s: Setup, server: MessageServer) {
    this.#s = s;
    this.#server = server;
    this.url = s.endpoint.display;
    // Often enough both to name this worker every `livenessMs` and to renew durable holds within the ack wait.
    this.#timer = setInterval(() => this.#tick(), Math.min(s.options.livenessMs, s.options.ackWaitMs / 3)).unref();
  }

  static async start(s: Setup, server: MessageServer): Promise<NatsWorker> {
    const w = new NatsWorker(s, server);
    const { nc } = s.link;
    const take = (m: Incoming): void => w.#take(m);
    // Heard until the connection closes, after the last call has ended.
    nc.subscribe(controlSubject(s.subject), { callback: (_e, m) => takeControl(server, CLIENT_CLOSED, m.string()) });
    nc.subscribe(workerSubject(w.id), { callback: (_e, m) => void m.respond() });
    // A NATS service (`$SRV.PING`, `$SRV.INFO`, `$SRV.STATS` find it); in core mode its endpoint is the subject.
    const mode = s.queue === undefined ? 'core' : 'durable';
    w.#service = await new Svcm(nc as unknown as ConstructorParameters<typeof Svcm>[0]).add({
      name: s.subject.replace(/[^A-Za-z0-9_-]/g, '_'),
      version: SERVICE_VERSION,
      description: `Interoffice JSON-RPC service on ${s.subject} (${mode} mode)`,
      metadata: { interoffice: mode, subject: s.subject },
      queue: QUEUE,
    });
    if (s.queue !== undefined) w.#durable = await openDurable(s, take);
    else {
      w.#ping = nc.subscribe(pingSubject(s.subject), { queue: QUEUE, callback: (_e, m) => void m.respond() });
      w.#service.addEndpoint('rpc', {
        subject: s.subject,
        // The cast: @nats-io/services 3.0.0-25 types against an older nats-core; the message is our connection's.
        handler: (_e, m) =>
          take({ data: m.data, headers: m.headers as MsgHdrs | undefined, reply: m.reply, arrived: Date.now() }),
      });
    }
    await nc.flush(); // the subscriptions are in place before the first call
    return w;
  }

  #take(m: Incoming): void {
    if (this.#running.size < this.#s.options.concurrency) void this.#run(m);
    else this.#waiting.push(m);
  }

  async #run(m: Incoming): Promise<void> {
    const deadline = Number(m.headers?.get(DEADLINE) || Infinity);
    if (deadline <= Date.now()) {
      m.queued?.ack(); // nobody waits for it: dropped, never run
      return this.#pump();
    }
    const d = new NatsDelivery(this, m, this.#s.options.maxFrameBytes, this.#s.link.maxBody());
    this.#running.add(d);
    if (m.queued?.redelivered && this.#durable !== undefined) {
      const kept = await this.#durable.kept(m.queued);
      if (kept === 'started')
        return this.#server.refuse(d, new RpcError('UNAVAILABLE', 'the stream was cut off: its worker was lost'));
      if (kept !== undefined) {
        this.#publish(d, kept, false);
        return this.#done(d);
      }
    }
    this.#server.deliver(d);
  }

  #publish(d: NatsDelivery, text: string, item: boolean): void {
    const reply = d.incoming.reply;
    if (!reply || !this.#s.link.up) return;
    const h = item ? headers() : undefined;
    h?.set(ITEM, '1');
    this.#s.link.nc.publish(reply, text, h === undefined ? undefined : { headers: h });
  }

  item(d: NatsDelivery, answer: Answer): void {
    if (d.done) return;
    if (!d.itemSent && d.incoming.queued !== undefined) this.#durable?.keep(d.incoming.queued, undefined);
    d.itemSent = true;
    this.#publish(d, answer.text, true);
  }

  finish(d: NatsDelivery, answer: Answer | undefined): void {
    if (d.done) return;
    if (answer !== undefined) this.#publish(d, answer.text, false);
    const q = d.incoming.queued;
    if (q !== undefined) {
      // Kept under the request's stream sequence, so a redelivered copy gets it and does not run again.
      // Acknowledged at once, not after the answer is stored: a copy is delivered again only when the
      // ack is lost, and then the answer was sent to the stream first, on the same connection. Waiting
      // for the store's PubAck buys nothing (in a raw JetStream loop it cost 2.5× in throughput).
      this.#durable?.keep(q, answer?.text ?? '');
      q.ack();
    }
    this.#done(d);
  }

  abandon(d: NatsDelivery): void {
    if (d.done) return;
    const q = d.incoming.queued;
    if (q === undefined) return this.#server.refuse(d, new RpcError('UNAVAILABLE', 'the worker stopped before answering'));
    q.nak(); // durable: another worker takes it
    this.#done(d);
  }

  #done(d: NatsDelivery): void {
    d.done = true;
    this.#running.delete(d);
    this.#pump();
  }

  /** Run the next waiting request, if there is room; tell `close` when nothing runs. */
  #pump(): void {
    const next = this.#running.size < this.#s.options.concurrency ? this.#waiting.shift() : undefined;
    if (next !== undefined) void this.#run(next);
    else if (this.#running.size === 0) this.#idle?.();
  }

  /**
   * Every `livenessMs`: name this worker to the callers of the calls running
   * now (most calls end before a tick sees them, and cost nothing), and keep
   * durable requests held.
   */
  #tick(): void {
    for (const d of this.#running) {
      d.incoming.queued?.working();
      const reply = d.incoming.reply;
      if (d.noticed || !reply || !d.incoming.headers?.has(CLIENT) || d.incoming.queued) continue;
      // Only to our own clients (a plain request's first reply must be its answer), and only in
      // core mode: a durable request whose worker dies is delivered again, not failed.
      d.noticed = true;
      const h = headers();
      h.set(WORKER, this.id);
      if (this.#s.link.up) this.#s.link.nc.publish(reply, '', { headers: h });
    }
    for (const m of this.#waiting) m.queued?.working();
  }

  /** Stop taking requests; wait until core has ended or abandoned every one taken. */
  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    this.#ping?.unsubscribe();
    // Each step asks NATS something, but not for ever: a worker closes even while NATS is stalled.
    await bounded(this.#service?.stop(), CLOSE_STEP_MS);
    await bounded(this.#durable?.stop(), CLOSE_STEP_MS);
    // Core abandons these (it is closing): a durable one goes back to the stream, a core-mode one is refused.
    for (const m of this.#waiting.splice(0)) void this.#run(m);
    if (this.#running.size > 0) await new Promise<void>((r) => (this.#idle = r));
    clearInterval(this.#timer);
    await bounded(this.#s.link.release(), CLOSE_STEP_MS);
  }
}
