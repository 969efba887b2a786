/**
 * The server's end: one segment, one poller (one doorbell for all clients),
 * one connection per claimed slot. A slot is the server's to free: when its
 * client leaves (state clientClosed) or its client process exits (an exit
 * watch on the owner's PID). The segment is removed on close, and on exit.
 */
import { RpcError, type Connection, type FrameHandler, type Listener } from '@interoffice/core';
import { removeSegment, watchProcessExit, type Segment } from '@interoffice/native';
import { segmentName } from './address.js';
import { atExit } from './at-exit.js';
import { ShmConnection } from './connection.js';
import { Doorbell } from './doorbell.js';
import { readHeader } from './header.js';
import { H, readU64, S, ServerState, SlotPlace, SlotState } from './layout.js';
import type { ShmOptions } from './options.js';
import { Poller, type PollTarget } from './poller.js';
import { createServerSegment } from './segment.js';
import { slotEnds } from './slot-ends.js';
import { resetSlot, slotPlaces } from './slots.js';

/** Requests taken from one client per turn, so one busy client cannot starve the others. */
const RECEIVE_BATCH = 64;

interface Client {
  readonly place: SlotPlace;
  readonly conn: ShmConnection;
  stopWatch(): void;
}

export class ShmServer implements PollTarget {
  readonly #url: URL;
  readonly #segment: Segment;
  readonly #words: Uint32Array;
  readonly #places: readonly SlotPlace[];
  readonly #options: ShmOptions;
  readonly #accept: (connection: Connection) => FrameHandler;
  readonly #poller: Poller;
  /** By slot index, from accept until the slot is freed. */
  readonly #clients = new Map<number, Client>();
  #lastBell = -1;
  #closing = false;
  #gone = false;
  readonly #cancelAtExit: () => void;

  private constructor(url: URL, segment: Segment, options: ShmOptions, accept: (connection: Connection) => FrameHandler) {
    this.#url = url;
    this.#segment = segment;
    this.#words = new Uint32Array(segment.buffer);
    this.#places = slotPlaces(readHeader(this.#words));
    this.#options = options;
    this.#accept = accept;
    const bell = new Doorbell(segment.buffer, this.#words, H.serverBell, H.serverSleeping);
    this.#poller = new Poller(segment.buffer, bell, this, options.spinMicros);
    this.#cancelAtExit = atExit(() => this.#unpublish());
    this.#poller.kick();
  }

  /** Create the segment for `url` and serve it. */
  static listen(url: URL, options: ShmOptions, accept: (connection: Connection) => FrameHandler): Listener {
    const shape = { slots: options.maxClients, ringBytes: options.ringBytes, maxFrameBytes: options.maxFrameBytes };
    const server = new ShmServer(url, createServerSegment(segmentName(url), url, shape), options, accept);
    return { url, close: async () => server.close() };
  }

  poll(): boolean {
    let worked = false;
    const bell = Atomics.load(this.#words, H.serverBell >> 2);
    if (bell !== this.#lastBell) {
      this.#lastBell = bell; // clients ring it to connect and to leave, as well as for requests
      if (this.#scan()) worked = true;
    }
    for (const { conn } of this.#clients.values()) {
      if (this.#gone) return true;
      if (conn.flush()) worked = true;
      if (conn.receive(RECEIVE_BATCH) > 0) worked = true;
    }
    return worked || this.#gone;
  }

  ready(): boolean {
    if (this.#gone) return false;
    if (Atomics.load(this.#words, H.serverBell >> 2) !== this.#lastBell) return true;
    for (const { conn } of this.#clients.values()) if (conn.ready()) return true;
    return false;
  }

  publishCpu(cpu: number): void {
    this.#words[H.serverCpu >> 2] = cpu + 1;
  }

  peerOn(cpu: number): boolean {
    for (const { place } of this.#clients.values()) if (this.#words[place.at(S.clientCpu) >> 2] === cpu + 1) return true;
    return false;
  }

  /** Stop taking clients and remove the segment; the server ends when its connections have closed. */
  close(): void {
    if (this.#closing) return;
    this.#closing = true;
    this.#cancelAtExit();
    this.#unpublish();
    this.#scan(); // refuse claims that raced the close (claimSlot checks the state after claiming)
    this.#endIfIdle();
  }

  /** No new clients: mark the segment closed and remove its name (clients keep their mappings). */
  #unpublish(): void {
    Atomics.store(this.#words, H.state >> 2, ServerState.closed);
    removeSegment(this.#segment.name, this.#segment.ino);
  }

  /** Look at every slot: accept new clients, free the slots of those that left. */
  #scan(): boolean {
    let changed = false;
    for (const place of this.#places) {
      if (this.#gone) return true;
      const state = Atomics.load(this.#words, place.at(S.state) >> 2);
      const client = this.#clients.get(place.index);
      if (state === SlotState.open && client === undefined) {
        if (this.#closing) this.#refuse(place);
        else this.#take(place);
        changed = true;
      } else if (state === SlotState.clientClosed) {
        // Requests sent before leaving still count (a last notification, say).
        if (client !== undefined && !client.conn.isClosed) client.conn.receive(Infinity);
        this.#free(place);
        changed = true;
      }
    }
    return changed;
  }

  #take(place: SlotPlace): void {
    const words = this.#words;
    const pid = words[place.at(S.ownerPid) >> 2] as number;
    const start = readU64(words, place.at(S.ownerStart));
    const { writer, reader, peerBell } = slotEnds(this.#segment.buffer, place, 'server', this.#options.maxFrameBytes);
    const conn = new ShmConnection({
      writer,
      reader,
      peerBell,
      maxFrameBytes: this.#options.maxFrameBytes,
      maxBufferedBytes: this.#options.maxBufferedBytes,
      pauseReads: true,
      peer: { transport: 'shm', address: `${this.#url.href}#${place.index} (pid ${pid})` },
      kick: () => this.#poller.kick(),
      release: (error) => {
        if (error instanceof RpcError && error.code === 'DATA_LOSS') {
          this.#options.logger.warn(`closed shm client pid ${pid} (slot ${place.index}): ${error.message}`);
        }
        const state = place.at(S.state) >> 2;
        if (!this.#gone && Atomics.compareExchange(words, state, SlotState.open, SlotState.serverClosed) === SlotState.open) {
          peerBell.knock();
        }
        queueMicrotask(() => this.#endIfIdle());
      },
    });
    const client: Client = { place, conn, stopWatch: () => {} };
    this.#clients.set(place.index, client);
    conn.attach(this.#accept(conn));
    client.stopWatch = watchProcessExit(pid, () => this.#free(place), { startTime: start || undefined });
  }

  /** The client left or died: end its connection, and make the slot claimable again. */
  #free(place: SlotPlace): void {
    if (this.#gone) return;
    const client = this.#clients.get(place.index);
    if (client !== undefined) {
      this.#clients.delete(place.index);
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
    new Doorbell(this.#segment.buffer, this.#words, place.at(S.clientBell), place.at(S.clientSleeping)).knock();
  }

  /** Once closing and every connection is closed: stop polling and unmap. */
  #endIfIdle(): void {
    if (!this.#closing || this.#gone) return;
    for (const { conn } of this.#clients.values()) if (!conn.isClosed) return;
    this.#scan();
    this.#gone = true;
    this.#poller.close();
    for (const client of this.#clients.values()) client.stopWatch();
    this.#clients.clear();
    this.#segment.close();
  }
}
