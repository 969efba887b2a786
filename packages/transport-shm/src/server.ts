/**
 * The server's end: one segment, one poller (one doorbell for all clients),
 * one connection per claimed slot (slot-table.ts). The segment is removed on
 * close, and on exit.
 */
import type { Connection, FrameHandler, Listener } from '@interoffice/core';
import { removeSegment, type Segment } from '@interoffice/native';
import { segmentName } from './address.js';
import { atExit } from './at-exit.js';
import { Doorbell } from './doorbell.js';
import { readHeader } from './header.js';
import { H, S, ServerState } from './layout.js';
import type { ShmOptions } from './options.js';
import { Poller, type PollTarget } from './poller.js';
import { createServerSegment } from './segment.js';
import { SlotTable } from './slot-table.js';
import { slotPlaces } from './slots.js';

/** Requests taken from one client per turn, so one busy client cannot starve the others. */
const RECEIVE_BATCH = 64;

/** Serve `url`: create its segment (replacing a crashed server's) and take clients. */
export function listenShm(url: URL, options: ShmOptions, accept: (connection: Connection) => FrameHandler): Listener {
  const shape = { slots: options.maxClients, ringBytes: options.ringBytes, maxFrameBytes: options.maxFrameBytes };
  const server = new ShmServer(url, createServerSegment(segmentName(url), url, shape), options, accept);
  return { url, close: async () => server.close() };
}

class ShmServer implements PollTarget {
  readonly #segment: Segment;
  readonly #words: Uint32Array;
  readonly #poller: Poller;
  readonly #slots: SlotTable;
  readonly #clients: SlotTable['clients'];
  #lastBell = -1;
  #closing = false;
  #gone = false;
  readonly #cancelAtExit: () => void;

  constructor(url: URL, segment: Segment, options: ShmOptions, accept: (connection: Connection) => FrameHandler) {
    this.#segment = segment;
    this.#words = new Uint32Array(segment.buffer);
    const bell = new Doorbell(segment.buffer, this.#words, H.serverBell, H.serverSleeping);
    this.#poller = new Poller(segment.buffer, bell, this, options.spinMicros);
    this.#slots = new SlotTable({
      url,
      buffer: segment.buffer,
      places: slotPlaces(readHeader(this.#words)),
      options,
      accept,
      kick: () => this.#poller.kick(),
      connectionClosed: () => this.#endIfIdle(),
    });
    this.#clients = this.#slots.clients;
    this.#cancelAtExit = atExit(() => this.#unpublish());
    this.#poller.kick();
  }

  poll(): boolean {
    let worked = false;
    const bell = Atomics.load(this.#words, H.serverBell >> 2);
    if (bell !== this.#lastBell) {
      this.#lastBell = bell; // clients ring it to connect and to leave, as well as for requests
      if (this.#slots.scan()) worked = true;
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
    this.#slots.refuseNew();
    this.#slots.scan(); // refuse claims that raced the close (claimSlot checks the state after claiming)
    this.#endIfIdle();
  }

  /** No new clients: mark the segment closed and remove its name (clients keep their mappings). */
  #unpublish(): void {
    Atomics.store(this.#words, H.state >> 2, ServerState.closed);
    removeSegment(this.#segment.name, this.#segment.ino);
  }

  /** Once closing and every connection is closed: stop polling and unmap. */
  #endIfIdle(): void {
    if (!this.#closing || this.#gone) return;
    for (const { conn } of this.#clients.values()) if (!conn.isClosed) return;
    this.#slots.scan();
    this.#gone = true;
    this.#poller.close();
    this.#slots.close();
    this.#segment.close();
  }
}
