/**
 * The server's slots: a connection on each slot a client claimed, and the
 * slot made claimable again when its client leaves (state clientClosed), its
 * client process exits (an exit watch on the owner's PID), or a process has
 * left it in a state outside the protocol (stale-slots.ts).
 */
import { RpcError, type Connection, type FrameHandler } from '@interoffice/core';
import { isProcessRunning } from '@interoffice/native';
import { Doorbell } from './doorbell.js';
import { readU64, S, SlotState, type SlotPlace } from './layout.js';
import type { ShmOptions } from './options.js';
import { serveSlot, type SlotClient } from './slot-client.js';
import { resetSlot } from './slots.js';
import { StaleSlots } from './stale-slots.js';

/** What the table needs of its server. */
export interface SlotTableHost {
  readonly url: URL;
  readonly buffer: ArrayBuffer;
  readonly places: readonly SlotPlace[];
  readonly options: ShmOptions;
  accept(connection: Connection): FrameHandler;
  /** Look at the rings soon (the server's poller). */
  kick(): void;
  /** A connection was closed: the server may be done closing. */
  connectionClosed(): void;
}

const hex = (n: number): string => `0x${n.toString(16)}`;

export class SlotTable {
  /** By slot index, from accept until the slot is freed. */
  readonly clients = new Map<number, SlotClient>();
  readonly #host: SlotTableHost;
  readonly #words: Uint32Array;
  readonly #stale: StaleSlots;
  #closing = false;
  #gone = false;

  constructor(host: SlotTableHost) {
    this.#host = host;
    this.#words = new Uint32Array(host.buffer);
    this.#stale = new StaleSlots(() => {
      if (this.#gone) return;
      this.scan();
      host.kick();
    });
  }

  /** Take no more clients: claims from now on are refused (the client leaves). */
  refuseNew(): void {
    this.#closing = true;
  }

  /** For good: no slot is touched after this. */
  close(): void {
    this.#gone = true;
    this.#stale.close();
    for (const client of this.clients.values()) client.stopWatch();
    this.clients.clear();
  }

  /**
   * Look at every slot: accept new clients, free the slots of those that
   * left, deal with slots in states the protocol does not allow there.
   * True if anything changed.
   */
  scan(): boolean {
    let changed = false;
    const reclaimed: string[] = [];
    const now = Date.now();
    for (const place of this.#host.places) {
      if (this.#gone) return true;
      const state = Atomics.load(this.#words, place.at(S.state) >> 2);
      const client = this.clients.get(place.index);
      // Open while its connection is; closed by the server once that closed it (but not for breaking the protocol).
      const expected =
        client === undefined
          ? state === SlotState.free || state === SlotState.open
          : client.conn.isClosed
            ? state === SlotState.serverClosed && !this.#stale.has(place.index)
            : state === SlotState.open;
      if (state === SlotState.clientClosed) {
        // Requests sent before leaving still count (a last notification, say).
        if (client !== undefined && !client.conn.isClosed) client.conn.receive(Infinity);
        this.#free(place);
        changed = true;
      } else if (expected) {
        this.#stale.fine(place.index);
        if (client !== undefined || state !== SlotState.open) continue;
        if (this.#closing) this.#refuse(place);
        else this.#take(place);
        changed = true;
      } else if (!this.#closing) {
        const why = this.#outOfProtocol(place, state, client, now);
        if (why !== undefined) reclaimed.push(`slot ${place.index} (state ${hex(state)}) as ${why}`);
        changed = true;
      }
    }
    if (reclaimed.length > 0) {
      const some = reclaimed.slice(0, 3).join('; ') + (reclaimed.length > 3 ? '; …' : '');
      this.#host.options.logger.warn(
        `${this.#host.url.href}: took back ${reclaimed.length} slot(s) left in states outside the protocol: ${some}`,
      );
    }
    return changed;
  }

  /**
   * A slot a process left in a state outside the protocol: close the
   * connection on it, and take the slot back once its owner is gone or it
   * has stayed so too long (stale-slots.ts). Returns why, when taken back.
   */
  #outOfProtocol(place: SlotPlace, state: number, client: SlotClient | undefined, now: number): string | undefined {
    if (client !== undefined && !client.conn.isClosed) {
      client.conn.fail(new RpcError('DATA_LOSS', `its slot's state was overwritten with ${hex(state)}`));
      this.#clientBell(place).knock(); // a well-behaved client sees the state, and leaves
    }
    if (client !== undefined && state === SlotState.free) {
      // Freed behind our back, and perhaps claimed since: forget the connection, leave the slot be.
      this.#stale.fine(place.index);
      this.clients.delete(place.index);
      client.stopWatch();
      return undefined;
    }
    const pid = this.#words[place.at(S.ownerPid) >> 2] as number;
    const start = readU64(this.#words, place.at(S.ownerStart));
    const why = this.#stale.due(place.index, now, () => !isProcessRunning(pid, start || undefined));
    if (why === undefined) return undefined;
    this.#free(place);
    return `${why} (owner pid ${pid})`;
  }

  #take(place: SlotPlace): void {
    const host = this.#host;
    const client = serveSlot(place, {
      ...host,
      owns: (c) => !this.#gone && this.clients.get(place.index) === c,
      ownerExited: (p) => this.#free(p),
      closed: () => host.connectionClosed(),
    });
    this.clients.set(place.index, client);
  }

  /** The client left or died (or broke the protocol): end its connection, and make the slot claimable again. */
  #free(place: SlotPlace): void {
    if (this.#gone) return;
    this.#stale.fine(place.index);
    const client = this.clients.get(place.index);
    if (client !== undefined) {
      this.clients.delete(place.index);
      client.stopWatch();
      client.conn.close();
    }
    resetSlot(this.#words, place);
    Atomics.store(this.#words, place.at(S.state) >> 2, SlotState.free);
  }

  /** A claim made while closing: tell the client, which leaves. */
  #refuse(place: SlotPlace): void {
    const state = place.at(S.state) >> 2;
    if (Atomics.compareExchange(this.#words, state, SlotState.open, SlotState.serverClosed) !== SlotState.open) return;
    this.#clientBell(place).knock();
  }

  #clientBell(place: SlotPlace): Doorbell {
    return new Doorbell(this.#host.buffer, this.#words, place.at(S.clientBell), place.at(S.clientSleeping));
  }
}
