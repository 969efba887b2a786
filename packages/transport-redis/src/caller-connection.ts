/**
 * A worker's view of one calling client, as a core {@link Connection}: the
 * frames of that client's request entries arrive on it, and what the server
 * sends on it goes to that client's reply list. It exists while the client
 * has requests here, and is dropped after it idles.
 *
 * It also knows which entry each response finishes: a final response (result
 * or error) commits its entry — stored, pushed and acknowledged at once — and
 * a stream item is pushed alone.
 */
import { encodeCancel, type Connection, type FrameHandler, type Id, type Peer } from '@interoffice/core';
import type { RedisClient } from './connector.js';
import { type Entry, keepFor } from './entry.js';
import { idKey, responseIds } from './frames.js';
import type { Keys } from './keys.js';
import type { ResolvedOptions } from './options.js';
import { PUSH } from './scripts.js';

/** What a caller connection needs from its worker. */
export interface WorkerContext {
  readonly cmd: RedisClient;
  readonly keys: Keys;
  readonly options: ResolvedOptions;
  /** `entry` got its final response (`''`: none is due): commit it and free its slot. */
  commit(entry: Entry, frame: string): void;
  /** The server closed this connection. */
  closed(conn: CallerConnection): void;
}

/** Stream items pushed but not yet confirmed, and replies waiting unread, before `send` asks the server to wait. */
const MAX_UNCONFIRMED = 256;
const MAX_UNREAD = 1024;

export class CallerConnection implements Connection {
  readonly maxFrameBytes: number;
  readonly peer: Peer;
  handler: FrameHandler | undefined;
  lastActive = Date.now();
  #closed = false;
  /** Entries waiting for their final response, by the id (as a key) they are answered with. */
  readonly #entries = new Map<string, Entry>();
  /** The entry being delivered: responses sent while it is delivered belong to it. */
  #delivering: Entry | undefined;
  #unconfirmed = 0;
  #unread = false;
  #wantsDrain = false;

  constructor(
    readonly client: string,
    private readonly ctx: WorkerContext,
  ) {
    this.maxFrameBytes = ctx.options.maxFrameBytes;
    this.peer = { transport: 'redis', address: client };
  }

  /** Entries still waiting for an answer here. */
  get pending(): number {
    return this.#entries.size;
  }

  /**
   * Hand an entry's frame to the server: `ids` are the calls it opens (none
   * read from an oversized frame: the server answers that at once, from its
   * head), `oversized` its size when over the frame limit.
   */
  deliver(entry: Entry, frame: string, ids: readonly Id[], oversized: number): void {
    const handler = this.handler;
    if (handler === undefined || this.#closed) return this.ctx.commit(entry, '');
    this.lastActive = Date.now();
    for (const k of ids.map(idKey)) {
      entry.expected.add(k);
      if (this.#entries.has(k)) continue; // a duplicate id: the server refuses it at once
      this.#entries.set(k, entry);
      entry.ids.push(k);
    }
    this.#delivering = entry;
    try {
      if (oversized > 0) handler.oversized(frame.slice(0, 256), oversized);
      else handler.frame(frame);
    } finally {
      this.#delivering = undefined;
    }
    if (!entry.settled && entry.ids.length === 0) this.#settle(entry, ''); // nothing more is due
  }

  /** Tell the server the client cancelled call `key` (an id as a key), if it runs here. */
  cancel(key: string): void {
    if (this.#entries.has(key)) this.handler?.frame(encodeCancel(JSON.parse(key) as Id));
  }

  send(frame: string): boolean {
    if (this.#closed) return false;
    this.lastActive = Date.now();
    const { ids, final } = responseIds(frame);
    const keys = ids.map(idKey);
    if (!final) return this.#push(frame, this.#entries.get(keys[0] ?? ''));
    const d = this.#delivering;
    const mine = d !== undefined && (keys.some((k) => d.expected.has(k)) || keys.every((k) => !this.#entries.has(k)));
    const entry = mine ? d : keys.map((k) => this.#entries.get(k)).find((e) => e !== undefined);
    if (entry === undefined || entry.settled) return this.#push(frame, undefined);
    this.#settle(entry, frame);
    return true;
  }

  /** The server closed the connection (it is shutting down): what is unanswered goes back to the queue. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.ctx.closed(this);
    this.handler?.closed();
  }

  /** Forget this client: idle, or it said goodbye (then its calls are aborted and their entries acknowledged). */
  drop(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.handler?.closed();
    for (const entry of new Set(this.#entries.values())) this.#settle(entry, '');
  }

  /** Acknowledge `entry` without an answer (it was never answered, long past its deadline). */
  abandon(entry: Entry): void {
    if (!entry.settled) this.#settle(entry, '');
  }

  #settle(entry: Entry, frame: string): void {
    entry.settled = true;
    for (const k of entry.ids) if (this.#entries.get(k) === entry) this.#entries.delete(k);
    this.ctx.commit(entry, frame);
  }

  /** Push a frame that ends no entry: a stream item (marking its entry started), or a stray answer. */
  #push(frame: string, entry: Entry | undefined): boolean {
    const { cmd, keys, options } = this.ctx;
    const mark = entry !== undefined && !entry.started ? keepFor(entry, options.resultTtlMs) : 0;
    if (entry !== undefined) entry.started = true;
    const replies = keys.replies(this.client);
    const started = entry === undefined ? replies : keys.started(entry.entryId);
    this.#unconfirmed++;
    PUSH.run(cmd, [replies, started], [frame, options.replyTtlMs, mark]).then(
      (length) => {
        this.#unconfirmed--;
        if (typeof length === 'number' && length > MAX_UNREAD && !this.#unread) this.#watchUnread();
        this.#maybeDrain();
      },
      (e: Error) => {
        this.#unconfirmed--;
        options.logger.warn(`cannot push a reply to client ${this.client}: ${e.message}`);
        this.#maybeDrain();
      },
    );
    const ok = this.#unconfirmed < MAX_UNCONFIRMED && !this.#unread;
    if (!ok) this.#wantsDrain = true;
    return ok;
  }

  /** The client reads slower than the server streams: wait until it has read half its backlog. */
  #watchUnread(): void {
    this.#unread = true;
    const replies = this.ctx.keys.replies(this.client);
    const check = (): void => {
      if (this.#closed) return;
      this.ctx.cmd.call('LLEN', replies).then(
        (n) => {
          if (typeof n === 'number' && n > MAX_UNREAD / 2) return void setTimeout(check, 20);
          this.#unread = false;
          this.#maybeDrain();
        },
        () => setTimeout(check, 100),
      );
    };
    check();
  }

  #maybeDrain(): void {
    if (!this.#wantsDrain || this.#unread || this.#unconfirmed >= MAX_UNCONFIRMED / 2 || this.#closed) return;
    this.#wantsDrain = false;
    this.handler?.drain();
  }
}
