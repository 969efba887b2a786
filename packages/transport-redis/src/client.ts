/**
 * A client's side of the Redis transport, as one core
 * {@link MessageConnection}: each request is added to the service's request
 * stream, tagged with this connection's client id; answers come back on the
 * client's own reply list; cancels, credit for stream items and the goodbye
 * go out on the control channel.
 *
 * A Redis restart does not close the connection: calls already queued
 * keep waiting and complete if Redis kept them (persistence). If it lost
 * them — the client's marker key is gone — the connection closes with
 * UNAVAILABLE at once, so no call waits for an answer that cannot come.
 * Frames read after the reader reconnects are delivered only once the
 * marker is found: a Redis that came back empty may hold pushes a worker
 * sent again, or sent after items the old one lost, and a stream must
 * resume after its last item rather than go on past a gap or repeat one.
 */
import { randomBytes } from 'node:crypto';
import {
  bounded,
  CLIENT_CLOSED,
  controlText,
  FRAME_HEAD_BYTES,
  RpcError,
  type ControlRecord,
  type MessageConnection,
  type MessageHandler,
  type OutgoingRequest,
  type Peer,
  type RequestId,
} from '@interoffice/core';
import { codeOf, type Connector, type RedisClient } from './connector.js';
import type { Keys } from './keys.js';
import type { ResolvedOptions } from './options.js';
import { Outbox } from './outbox.js';
import { LIVE_WORKERS } from './scripts.js';

/** How long a client's marker lives without being renewed; renewed every third of it. */
const MARKER_TTL_MS = 300_000;
/** Responses taken from the reply list per read, at most. */
const READ_BATCH = 512;
/** How often, at most, a client looks for live workers (when it sends), to explain a call left unanswered. */
const WORKER_LOOK_MS = 1000;

/** How long closing may wait for Redis before the connection is cut. */
const CLOSE_MS = 2000;
const noop = (): void => {};

export interface ClientSetup {
  readonly connector: Connector;
  readonly keys: Keys;
  readonly service: string;
  readonly options: ResolvedOptions;
  readonly url: URL;
}

export class RedisClientConnection implements MessageConnection {
  readonly maxFrameBytes: number;
  readonly peer: Peer;
  /** This connection's client id: its reply list's name ends with it. */
  readonly id = randomBytes(12).toString('base64url');
  readonly #setup: ClientSetup;
  readonly #handler: MessageHandler;
  readonly #cmd: RedisClient;
  readonly #reader: RedisClient;
  readonly #marker: ReturnType<typeof setInterval>;
  readonly #outbox: Outbox;
  #closed = false;
  /** The reader lost its connection since the marker was last found through it. */
  #reconnected = false;
  /** Live workers when last looked for, and when that was. */
  #workers: number | undefined;
  #lookedAt = 0;

  private constructor(setup: ClientSetup, handler: MessageHandler, cmd: RedisClient, reader: RedisClient) {
    this.#setup = setup;
    this.#handler = handler;
    this.#cmd = cmd;
    this.#reader = reader;
    this.maxFrameBytes = setup.options.maxFrameBytes;
    this.peer = { transport: 'redis', address: setup.url.href };
    const { keys, options, service, url } = setup;
    this.#outbox = new Outbox({
      cmd,
      keys,
      options,
      service,
      client: this.id,
      refuse: (request, error) => this.#refuse(request, error),
      noWorker: () => this.#shutdown(new RpcError('UNAVAILABLE', `no worker serves ${service} at ${url.href}`)),
    });
    this.#marker = setInterval(() => this.#checkMarker(), MARKER_TTL_MS / 3).unref();
    cmd.on('ready', () => this.#checkMarker()); // after a reconnect: did Redis keep our requests?
    reader.on('close', () => void (this.#reconnected = true));
  }

  /** Connect: both Redis connections, the marker, and (when workers are required) a live worker. */
  static async open(setup: ClientSetup, handler: MessageHandler): Promise<RedisClientConnection> {
    const cmd = await setup.connector.open('calls');
    let reader: RedisClient | undefined;
    try {
      reader = await setup.connector.open('blocking');
      if (setup.options.whenNoWorkers === 'fail' && (await LIVE_WORKERS.run(cmd, [setup.keys.workers], [])) === 0) {
        throw new RpcError('UNAVAILABLE', `no worker serves ${setup.service} at ${setup.url.href}`);
      }
      const conn = new RedisClientConnection(setup, handler, cmd, reader);
      await cmd.call('SET', setup.keys.client(conn.id), '1', 'PX', MARKER_TTL_MS);
      void conn.#read();
      return conn;
    } catch (e) {
      cmd.disconnect();
      reader?.disconnect();
      throw e instanceof RpcError
        ? e
        : new RpcError(codeOf(String(e)), `cannot open a client on ${setup.url.href}: ${String(e)}`);
    }
  }

  send(request: OutgoingRequest): void {
    if (this.#closed) return;
    if (this.#cmd.status !== 'ready') {
      const why = `${this.#setup.connector.where} is unreachable (reconnecting); the request was not sent`;
      return this.#refuse(request, new RpcError('UNAVAILABLE', why));
    }
    this.#outbox.push(request);
    this.#lookForWorkers();
  }

  whyUnanswered(): string | undefined {
    if (this.#workers !== 0) return undefined;
    return `no worker was serving ${this.#setup.service} at ${this.#setup.url.href} when the request was queued (it waits for one)`;
  }

  #lookForWorkers(): void {
    const now = Date.now();
    if (now - this.#lookedAt < WORKER_LOOK_MS) return;
    this.#lookedAt = now;
    LIVE_WORKERS.run(this.#cmd, [this.#setup.keys.workers], []).then((n) => {
      this.#workers = Number(n);
    }, noop);
  }

  /** Keepalive: Redis answers a PING on the command connection (a stopped Redis does not). */
  ping(): Promise<void> {
    return this.#cmd.call('PING').then(noop);
  }

  cancel(id: RequestId): void {
    if (!this.#closed) void this.#control({ caller: this.id, cancel: id });
  }

  /** Credit for a stream's items travels as its cancel would: every worker hears it, the one running the call applies it. */
  credit(id: RequestId, n: number): void {
    if (!this.#closed) void this.#control({ caller: this.id, credit: id, n });
  }

  close(): void {
    this.#shutdown(undefined);
  }

  /** A request that was not queued: core fails its calls with `error`. */
  #refuse(request: OutgoingRequest, error: RpcError): void {
    if (request.ids.length === 0 || this.#closed) return; // notifications: nobody waits for them
    queueMicrotask(() => this.#handler.refused(request, error));
  }

  #control(record: ControlRecord): Promise<unknown> {
    return this.#cmd.call('PUBLISH', this.#setup.keys.control, controlText(CLIENT_CLOSED, record)).catch(noop);
  }

  #deliver(frame: string): void {
    if (this.#closed) return;
    const max = this.maxFrameBytes;
    const bytes = frame.length * 3 > max ? Buffer.byteLength(frame) : 0;
    if (bytes > max) this.#handler.oversized(bytes, frame.slice(0, FRAME_HEAD_BYTES));
    else this.#handler.response(frame);
  }

  async #read(): Promise<void> {
    const key = this.#setup.keys.replies(this.id);
    while (!this.#closed) {
      let reply: unknown;
      try {
        reply = await this.#reader.call('BLMPOP', 0, 1, key, 'LEFT', 'COUNT', READ_BATCH);
      } catch {
        if (this.#closed) return;
        await new Promise((r) => setTimeout(r, 100)); // Redis is away; the reader reconnects by itself
        continue;
      }
      const frames: unknown = Array.isArray(reply) ? reply[1] : undefined;
      if (!Array.isArray(frames)) continue;
      if (this.#reconnected && !(await this.#markerKept())) return;
      if (frames.length > 1) this.#outbox.burst = true;
      for (const f of frames) {
        if (typeof f !== 'string') continue;
        try {
          this.#deliver(f);
        } catch {
          // core handles every frame it is given; one that throws must not stop the reading
        }
      }
      // Let the calls these answers end send their next requests before the next read is sent.
      await new Promise<void>((r) => setImmediate(r));
    }
  }

  /**
   * Whether Redis still holds this client's marker, asked through the reader (until it answers);
   * if not, shut down.
   */
  async #markerKept(): Promise<boolean> {
    this.#reconnected = false;
    const key = this.#setup.keys.client(this.id);
    for (;;) {
      try {
        const kept = await this.#reader.call('PEXPIRE', key, MARKER_TTL_MS);
        if (kept === 0) this.#lost();
        return !this.#closed;
      } catch {
        if (this.#closed) return false;
        await new Promise((r) => setTimeout(r, 100)); // the reader reconnects by itself
      }
    }
  }

  #lost(): void {
    const why = `${this.#setup.connector.where} lost this client's queued requests (restarted without persistence?)`;
    this.#shutdown(new RpcError('UNAVAILABLE', why));
  }

  #checkMarker(): void {
    if (this.#closed) return;
    this.#cmd.call('PEXPIRE', this.#setup.keys.client(this.id), MARKER_TTL_MS).then((kept) => {
      if (kept === 0) this.#lost();
    }, noop);
  }

  #shutdown(error: RpcError | undefined): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#outbox.closed = true;
    clearInterval(this.#marker);
    // Workers abort what still runs for this client: nobody will read the answers.
    const goodbye = this.#control({ caller: this.id, left: true });
    const forget = this.#cmd.call('DEL', this.#setup.keys.client(this.id)).catch(noop);
    // QUIT once the goodbye has gone out, or the connection could close before it; but a Redis that
    // stalls answers neither, and an open connection would keep the process alive: cut after 2 s.
    const cmd = this.#cmd;
    void bounded(
      Promise.all([goodbye, forget]).then(() => cmd.quit()),
      CLOSE_MS,
    ).then(() => cmd.disconnect());
    this.#reader.disconnect();
    queueMicrotask(() => this.#handler.closed(error));
  }
}
