/**
 * The server's side: each cycle reads the entries, hands the new ones to
 * core as request frames on virtual connections (connections.ts), and
 * writes core's answers back into the entries (outbox.ts). Calls that
 * finish at once are answered in the cycle that read them: one locked read
 * and one write per batch of requests. (So a synchronous handler runs while
 * the lock is held; one that takes long should be async.)
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { encodeCancel, errorToWire, RpcError, type Connection, type FrameHandler, type Logger } from '@interoffice/core';
import type { FileAddress } from './address.js';
import { Connections } from './connections.js';
import { SharedDoc, type ServerInfo } from './document.js';
import { Intake } from './intake.js';
import { Outbox } from './outbox.js';
import type { Presence } from './presence.js';
import { SharedFile, type FileOwner, type FileState, type SharedFileOptions } from './shared-file.js';

export interface ServerOptions {
  readonly maxFrameBytes: number;
  readonly maxBufferedBytes: number;
  readonly answeredTtlMs: number;
  readonly file: SharedFileOptions;
  readonly logger: Logger;
}

const STOPPED = 'the server closed before answering; the call may or may not have run';

export class FileServer implements FileOwner {
  readonly #file: SharedFile;
  readonly #info: ServerInfo = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  readonly #intake: Intake;
  readonly #outbox: Outbox;
  readonly #conns: Connections;
  #inCycle = false;
  #started = false;
  #closing = false;
  #failure: Error | undefined;
  #lastError: string | undefined;

  constructor(
    url: URL,
    private readonly address: FileAddress,
    accept: (connection: Connection) => FrameHandler,
    private readonly presence: Presence,
    private readonly options: ServerOptions,
  ) {
    this.#file = new SharedFile(address, this, options.file);
    this.#intake = new Intake(randomUUID(), options.answeredTtlMs, options.maxFrameBytes, options.logger);
    this.#outbox = new Outbox(options.maxBufferedBytes, options.logger);
    this.#conns = new Connections(url, accept, options.maxFrameBytes, options.logger, {
      send: (conn, frame) => {
        this.#outbox.add(frame, conn.entryKey);
        if (!this.#inCycle) this.#file.request();
        return !this.#outbox.full;
      },
      // Its callers are told, rather than left waiting for answers that will not come.
      closed: (running) => {
        const error = errorToWire(new RpcError('UNAVAILABLE', STOPPED));
        for (const key of running) this.#outbox.answer(key, { jsonrpc: '2.0', id: key, error });
        if (!this.#inCycle) this.#file.request();
      },
    });
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

  /** Take no new calls; let the running ones finish (core closes their connections); write the last answers; let go. */
  async close(): Promise<void> {
    this.#closing = true;
    await this.#conns.closeAll();
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
      if (info.server?.pid !== this.#info.pid || info.server.since !== this.#info.since) doc.setInfo({ ...info, server: this.#info });
      this.#cancelWithdrawn(doc, now);
      this.#writeAnswers(doc, now);
      if (!this.#closing) {
        const started = this.#intake.take(doc, now, this.#conns);
        this.#writeAnswers(doc, now); // the calls that finished at once
        this.#intake.markTaken(doc, started, (key) => this.#conns.running.has(key));
      }
      this.#conns.closeIdle(now);
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
    if (error.message !== this.#lastError) this.options.logger.warn(`cannot update ${this.address.path} (${error.message}); retrying`);
    this.#lastError = error.message; // reported once per cause, not once per retry
    setTimeout(() => this.#file.request(), 100).unref();
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
  #cancelWithdrawn(doc: SharedDoc, now: number): void {
    for (const key of [...this.#conns.running.keys()]) {
      if (doc.commands.has(key)) continue;
      this.#outbox.forget(key);
      this.#conns.finished(key, now)?.deliver(encodeCancel(key));
    }
    for (const [key, conn] of this.#conns.frames) if (!doc.commands.has(key)) conn.close();
  }

  /** Write what core sent into the entries it answers; streams go on when the callers have caught up. */
  #writeAnswers(doc: SharedDoc, now: number): void {
    const { ended, replied } = this.#outbox.writeTo(doc, now);
    for (const key of ended) this.#conns.finished(key, now);
    for (const key of replied) this.#conns.frames.get(key)?.close(); // a `frame` entry is answered once
    if (ended.length + replied.length > 0) this.#intake.answered(now);
    if (!this.#outbox.full) this.#conns.drain();
  }
}
