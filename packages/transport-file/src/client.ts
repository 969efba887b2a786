/**
 * The client's side: a {@link MessageConnection} whose requests become
 * entries of the shared file (calls.ts), and which learns from each cycle
 * whether the file can still be used (status.ts): when it cannot, the
 * connection ends with UNAVAILABLE and core fails its calls — at once, not
 * at their deadlines.
 */
import { randomUUID } from 'node:crypto';
import {
  RpcError,
  type MessageConnection,
  type MessageHandler,
  type OutgoingRequest,
  type Peer,
  type RequestId,
} from '@interoffice/core';
import type { FileAddress } from './address.js';
import { ClientCalls } from './calls.js';
import { SharedDoc } from './document.js';
import { PresenceProbe } from './presence.js';
import { SharedFile, type FileOwner, type FileState, type SharedFileOptions } from './shared-file.js';
import { lostEntries, unavailable } from './status.js';

/** Longest wait before read answers are removed when nothing else is written. */
const CLEANUP_MS = 50;

export class FileClientConnection implements MessageConnection, FileOwner {
  readonly peer: Peer;
  readonly #file: SharedFile;
  readonly #presence: PresenceProbe;
  readonly #calls: ClientCalls;
  #deliveries: (() => void)[] = [];
  #problem: string | undefined;
  #cleanup: ReturnType<typeof setTimeout> | undefined;
  #cleanupDue = false;
  #opened = false;
  #closed = false;
  /** An Interoffice server has served the file since we opened it (a seed-style one cannot be watched). */
  #watchServer = false;

  constructor(
    url: URL,
    private readonly address: FileAddress,
    readonly maxFrameBytes: number,
    options: SharedFileOptions,
    private readonly handler: MessageHandler,
  ) {
    this.peer = { transport: 'file', address: url.href };
    this.#calls = new ClientCalls(handler, maxFrameBytes, randomUUID());
    this.#presence = new PresenceProbe(address.presencePath);
    this.#file = new SharedFile(address, this, options);
  }

  /** Check the file can be used now (one cycle); rejects with UNAVAILABLE saying why not. */
  async opened(): Promise<this> {
    await this.#file.flush();
    if (this.#problem === undefined) {
      this.#opened = true;
      return this;
    }
    this.#closed = true;
    this.#file.close();
    this.#presence.close();
    throw new RpcError('UNAVAILABLE', this.#problem);
  }

  send(request: OutgoingRequest): void {
    if (this.#closed) return;
    this.#calls.add(request);
    this.#file.request();
  }

  cancel(id: RequestId): void {
    if (this.#closed) return;
    this.#calls.withdraw(id);
    this.#file.request();
  }

  /** The caller took `n` items of stream `id`: a stream held in the file for it is read again. */
  taken(id: RequestId, n: number): void {
    if (!this.#closed && this.#calls.taken(id, n)) this.#file.request();
  }

  close(): void {
    this.#shut(undefined);
  }

  reconcile(state: FileState): SharedDoc | undefined {
    if (this.#closed) {
      if (state.kind === 'doc') this.#calls.remove(state.doc); // the last cycle, after close
      return undefined;
    }
    const served = this.#presence.served();
    this.#watchServer ||= served;
    this.#problem = unavailable(state, this.address.path, served);
    if (this.#problem !== undefined || state.kind === 'corrupt') return undefined; // a server sets it aside
    const doc = state.kind === 'doc' ? state.doc : SharedDoc.empty();
    const lost = this.#calls.sync(doc, this.#deliveries, this.#cleanupDue);
    this.#cleanupDue = false;
    if (lost !== undefined) this.#problem = lostEntries(state, this.address.path, lost.count, lost.since);
    return state.kind === 'missing' && doc.commands.size > 0 ? doc : undefined;
  }

  settled(): void {
    const deliveries = this.#deliveries;
    this.#deliveries = [];
    for (const deliver of deliveries) deliver();
    if (this.#problem !== undefined && this.#opened) this.#shut(new RpcError('UNAVAILABLE', this.#problem));
    if (this.#calls.leftovers > 0 && this.#cleanup === undefined && !this.#closed) {
      this.#cleanup = setTimeout(() => {
        this.#cleanup = undefined;
        this.#cleanupDue = true;
        this.#file.request();
      }, CLEANUP_MS);
      this.#cleanup.unref();
    }
  }

  wake(changed: () => boolean): void {
    // Only callers waiting for answers need to look; a poll also notices an Interoffice server that died.
    if (this.#calls.waiting === 0) return;
    if (changed() || (this.#watchServer && !this.#presence.served())) this.#file.request();
  }

  failed(error: Error): void {
    this.#problem = `cannot use ${this.address.path}: ${error.message}`;
  }

  /** Withdraw every entry still in the file, let go of the file, tell core. */
  #shut(error: RpcError | undefined): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#cleanup);
    this.#calls.withdrawAll();
    void this.#file.finish().then(() => this.#presence.close());
    queueMicrotask(() => this.handler.closed(error));
  }
}
