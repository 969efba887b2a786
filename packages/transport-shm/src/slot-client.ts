/** The server's end of one claimed slot: a connection over its rings, and a watch on its owner process. */
import { RpcError, type Connection, type FrameHandler } from '@interoffice/core';
import { watchProcessExit } from '@interoffice/native';
import { ShmConnection } from './connection.js';
import { readU64, S, SlotState, type SlotPlace } from './layout.js';
import type { ShmOptions } from './options.js';
import { slotEnds } from './slot-ends.js';

export interface SlotClient {
  readonly place: SlotPlace;
  readonly conn: ShmConnection;
  /** Stop watching the owner process. */
  stopWatch(): void;
}

/** What a slot's connection needs of its server. */
export interface SlotClientHost {
  readonly url: URL;
  readonly buffer: ArrayBuffer;
  readonly options: ShmOptions;
  accept(connection: Connection): FrameHandler;
  /** Look at the rings soon (the server's poller). */
  kick(): void;
  /** Whether the slot is still this connection's (the server lets go of it before freeing it). */
  owns(client: SlotClient): boolean;
  /** The owner process exited. */
  ownerExited(place: SlotPlace): void;
  /** The connection was closed. */
  closed(): void;
}

/** Serve the slot at `place`, just claimed by a client. */
export function serveSlot(place: SlotPlace, host: SlotClientHost): SlotClient {
  const { buffer, options, url } = host;
  const words = new Uint32Array(buffer);
  const pid = words[place.at(S.ownerPid) >> 2] as number;
  const start = readU64(words, place.at(S.ownerStart));
  const { writer, reader, peerBell } = slotEnds(buffer, place, 'server', options.maxFrameBytes);
  const conn = new ShmConnection({
    writer,
    reader,
    peerBell,
    maxFrameBytes: options.maxFrameBytes,
    maxBufferedBytes: options.maxBufferedBytes,
    pauseReads: true,
    peer: { transport: 'shm', address: `${url.href}#${place.index} (pid ${pid})` },
    kick: () => host.kick(),
    release: (error) => {
      if (error instanceof RpcError && error.code === 'DATA_LOSS') {
        options.logger.warn(`closed shm client pid ${pid} (slot ${place.index}): ${error.message}`);
      }
      // Tell the client, while the slot is still its own.
      const state = place.at(S.state) >> 2;
      if (host.owns(client) && Atomics.compareExchange(words, state, SlotState.open, SlotState.serverClosed) === SlotState.open) {
        peerBell.knock();
      }
      queueMicrotask(() => host.closed());
    },
  });
  const client: SlotClient = { place, conn, stopWatch: () => {} };
  conn.attach(host.accept(conn));
  client.stopWatch = watchProcessExit(pid, () => host.ownerExited(place), { startTime: start || undefined });
  return client;
}
