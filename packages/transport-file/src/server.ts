/**
 * The server's side: each cycle reads the entries, hands the new ones to
 * core as deliveries (a call entry as a request record, a `frame` entry as
 * text), and writes core's answers back into the entries (outbox.ts). Calls
 * that finish at once are answered in the cycle that read them: one locked
 * read and one write per batch of requests. (So a synchronous handler runs
 * while the lock is held; one that takes long should be async.)
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Answer, Listener, Logger, MessageServer, ResponseFields } from '@interoffice/core';
import type { FileAddress } from './address.js';
import { FileDelivery, type DeliveryContext } from './delivery.js';
import { SharedDoc, type ServerInfo } from './document.js';
import { Intake, type NewEntry } from './intake.js';
import { Outbox } from './outbox.js';
import type { Presence } from './presence.js';
import { requestOf } from './request-entry.js';
import { RawObject } from './raw-object.js';
import { toJson } from './json.js';
import { unavailable } from './response-entry.js';
import { SharedFile, type FileOwner, type FileState, type SharedFileOptions } from './shared-file.js';

export interface ServerOptions {
  readonly maxFrameBytes: number;
  readonly maxBufferedBytes: number;
  readonly answeredTtlMs: number;
  readonly file: SharedFileOptions;
  readonly logger: Logger;
}

const STOPPED = 'the server closed before answering; the call may or may not have run';

export class FileServer implements FileOwner, DeliveryContext, Listener {
  readonly #file: SharedFile;
  readonly #info: ServerInfo = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  readonly #serverId = randomUUID();
  readonly #intake: Intake;
  readonly #outbox: Outbox;
  /** Deliveries core has not ended, by entry key. */
  readonly #running = new Map<string, FileDelivery>();
  #inCycle = false;
  #started = false;
  #closing = false;
  #blocked = false;
  /** Resolves `close()` once core has ended or abandoned every delivery. */
  #allEnded: (() => void) | undefined;
  #failure: Error | undefined;
  #lastError: string | undefined;

  constructor(
    readonly url: URL,
    private readonly address: FileAddress,
    private readonly server: MessageServer,
    private readonly presence: Presence,
    private readonly options: ServerOptions,
  ) {
    this.#file = new SharedFile(address, this, options.file);
    this.#intake = new Intake(options.answeredTtlMs, options.maxFrameBytes, options.logger);
    this.#outbox = new Outbox(options.maxBufferedBytes);
  }

  /** The first cycle: the file is created (or repaired) and marked as served; throws when it cannot be. */
  async start(): Promise<void> {
    await this.#file.flush();
    const failure = this.#failure;
    if (failure === undefined) {
      this.#started = true;
      return;
    }
    this.#file.close();
    this.presence.release();
    throw new Error(`cannot serve ${this.address.path}: ${failure.message}`, { cause: failure });
  }

  /** Take no new calls; once core has ended or abandoned the running ones, write the last answers and let go. */
  async close(): Promise<void> {
    this.#closing = true;
    if (this.#running.size > 0) await new Promise<void>((resolve) => (this.#allEnded = resolve));
    await this.#file.finish();
    this.presence.release();
  }

  reconcile(state: FileState, file: SharedFile): SharedDoc | undefined {
    this.#inCycle = true;
    this.#lastError = undefined;
    try {
      const { doc, write } = this.#open(state, file);
      const now = Date.now();
      const info = doc.info();
      if (info.server?.pid !== this.#info.pid || info.server.since !== this.#info.since)
        doc.setInfo({ ...info, server: this.#info });
      this.#cancelWithdrawn(doc);
      this.#writeAnswers(doc, now);
      if (!this.#closing) {
        const started = this.#intake.take(doc, now, this.#running).map((e) => this.#deliver(e));
        this.#writeAnswers(doc, now); // the calls that finished at once
        this.#markTaken(doc, started);
      }
      return write ? doc : undefined;
    } finally {
      this.#inCycle = false;
    }
  }

  settled(): void {}

  wake(changed: () => boolean): void {
    if (Date.now() >= this.#intake.nextExpiry || changed()) this.#file.request();
  }

  failed(error: Error): void {
    if (!this.#started) {
      this.#failure = error;
      return;
    }
    if (error.message !== this.#lastError)
      this.options.logger.warn(`cannot update ${this.address.path} (${error.message}); retrying`);
    this.#lastError = error.message; // reported once per cause, not once per retry
    setTimeout(() => this.#file.request(), 100).unref();
  }

  // ─── DeliveryContext: core's answers, written with the next cycle ───

  item(d: FileDelivery, answer: Answer): boolean {
    if (d.frame) this.#outbox.add(d.key, 'replies', answer.text);
    else this.#outbox.add(d.key, 'items', toJson(answer.fields?.item), answer.fields?.itemId);
    this.#request();
    const room = !this.#outbox.full;
    if (!room) this.#blocked = true;
    return room;
  }

  end(d: FileDelivery, answer: Answer | undefined): void {
    if (d.frame) {
      if (answer !== undefined) this.#outbox.add(d.key, 'replies', answer.text);
      this.#finish(d, true);
    } else {
      this.#finish(d, answer?.fields ?? true);
    }
  }

  /** The server closed before answering: its caller is told, rather than left waiting for an answer that will not come. */
  abandon(d: FileDelivery): void {
    this.#finish(d, d.frame ? true : unavailable(d.key, STOPPED));
  }

  #finish(d: FileDelivery, final: ResponseFields | true): void {
    if (this.#running.get(d.key) !== d) return;
    this.#running.delete(d.key);
    this.#outbox.finish(d.key, d.frame ? 'replies' : 'items', final);
    this.#request();
    if (this.#running.size === 0) this.#allEnded?.();
  }

  #request(): void {
    if (!this.#inCycle) this.#file.request();
  }

  /** Hand a new entry to core: a call entry is its caller's (`client`; the seed's callers share one), a `frame` entry its own. */
  #deliver(e: NewEntry): string {
    const { key, value } = e;
    const frame = typeof value.frame === 'string';
    const client = typeof value.client === 'string' ? value.client : '';
    const caller = frame ? `frame:${key}` : client;
    const tag = frame && client === '' ? key : client;
    const address = tag === '' ? this.url.href : `${this.url.href}#${tag}`;
    const text = frame ? (value.frame as string) : undefined;
    const body =
      text !== undefined
        ? e.tooLarge === undefined
          ? text
          : text.slice(0, 256)
        : e.tooLarge === undefined
          ? requestOf(key, value)
          : { id: key };
    const d = new FileDelivery(key, caller, { transport: 'file', address }, body, frame, e.tooLarge, this);
    if (value.notification !== true) this.#running.set(key, d);
    this.server.deliver(d);
    return key;
  }

  /** The document to work on: a fresh one for a missing file, or after setting a corrupt one aside. */
  #open(state: FileState, file: SharedFile): { doc: SharedDoc; write: boolean } {
    if (state.kind === 'doc') {
      if (state.repaired !== undefined) this.options.logger.warn(`${this.address.path}: ${state.repaired}`);
      return { doc: state.doc, write: state.repaired !== undefined };
    }
    const doc = SharedDoc.empty();
    if (state.kind === 'corrupt') {
      const keptAs = file.setAside();
      this.options.logger.warn(`${this.address.path} was not usable (${state.reason}): kept aside as ${keptAs}; starting afresh`);
      doc.setInfo({ reset: { at: new Date().toISOString(), reason: state.reason, keptAs } });
    }
    return { doc, write: true };
  }

  /** A running call whose entry is gone was withdrawn by its caller (cancelled, past its deadline): stop it. */
  #cancelWithdrawn(doc: SharedDoc): void {
    for (const [key, d] of [...this.#running]) {
      if (doc.commands.has(key)) continue;
      this.#outbox.forget(key);
      if (d.frame) this.server.left(d.caller);
      else this.server.cancel(d.caller, key);
    }
  }

  /** Write what core sent into the entries it answers; streams go on when the callers have caught up. */
  #writeAnswers(doc: SharedDoc, now: number): void {
    if (this.#outbox.writeTo(doc, now) > 0) this.#intake.answered(now);
    if (this.#blocked && !this.#outbox.full) {
      this.#blocked = false;
      this.server.drain();
    }
  }

  /** Mark the entries of calls still running as taken by this server (one that finished at once needs no mark). */
  #markTaken(doc: SharedDoc, keys: readonly string[]): void {
    for (const key of keys) {
      const text = doc.commands.text(key);
      if (text === undefined || !this.#running.has(key)) continue;
      const entry = RawObject.parse(text, 0);
      entry.set('taken', this.#serverId);
      doc.commands.setText(key, entry.toText());
    }
  }
}
