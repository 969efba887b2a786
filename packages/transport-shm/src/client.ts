/**
 * The client's end: open the server's segment, claim a slot, and run one
 * connection over its rings with a poller of its own. The server's death is
 * noticed at once (an exit watch on its PID) and fails the connection with
 * UNAVAILABLE, so calls in flight fail then rather than at their deadlines.
 */
import { RpcError, type Connection, type FrameHandler } from '@interoffice/core';
import { watchProcessExit } from '@interoffice/native';
import { segmentName } from './address.js';
import { ShmConnection } from './connection.js';
import { H, S, SlotState, type SlotPlace } from './layout.js';
import type { ShmOptions } from './options.js';
import { Poller } from './poller.js';
import { openClientSegment } from './segment.js';
import { slotEnds } from './slot-ends.js';
import { claimSlot } from './slots.js';

/** Frames read per turn: enough to take a burst, few enough to let the loop breathe. */
const RECEIVE_BATCH = 256;

export async function connectShm(url: URL, handler: FrameHandler, options: ShmOptions): Promise<Connection> {
  const name = segmentName(url);
  const { segment, header } = openClientSegment(name, url);
  let place: SlotPlace;
  try {
    place = await claimSlot(segment, header, url);
  } catch (e) {
    segment.close();
    throw e;
  }
  const { buffer } = segment;
  const words = new Uint32Array(buffer);
  const state = place.at(S.state) >> 2;
  const { writer, reader, ownBell, peerBell: serverBell } = slotEnds(buffer, place, 'client', options.maxFrameBytes);
  const closedByServer = (): RpcError | undefined =>
    Atomics.load(words, state) === SlotState.open ? undefined : new RpcError('UNAVAILABLE', 'the server closed the connection');

  let stopWatch = (): void => {};
  const conn: ShmConnection = new ShmConnection({
    writer,
    reader,
    peerBell: serverBell,
    maxFrameBytes: options.maxFrameBytes,
    maxBufferedBytes: options.maxBufferedBytes,
    pauseReads: false,
    peer: { transport: 'shm', address: url.href },
    kick: () => poller.kick(),
    gone: closedByServer,
    release() {
      poller.close();
      stopWatch();
      // Whatever the server did meanwhile, the slot is now the server's to free — unless it freed it
      // already (after a process overwrote its state), and someone else may hold it now.
      if (words[place.at(S.ownerPid) >> 2] === process.pid) Atomics.exchange(words, state, SlotState.clientClosed);
      serverBell.knock();
      segment.close();
    },
  });
  const poller: Poller = new Poller(
    buffer,
    ownBell,
    {
      poll() {
        let worked = conn.flush();
        if (conn.receive(RECEIVE_BATCH) > 0) worked = true;
        if (conn.isClosed) return true; // closed by what a frame set off
        const closed = closedByServer();
        if (closed === undefined) return worked;
        conn.receive(Infinity); // what the server sent before it closed
        conn.fail(closed);
        return true;
      },
      ready: () => !conn.isClosed && (Atomics.load(words, state) !== SlotState.open || conn.ready()),
      publishCpu: (cpu) => void (words[place.at(S.clientCpu) >> 2] = cpu + 1),
      peerOn: (cpu) => words[H.serverCpu >> 2] === cpu + 1,
    },
    options.spinMicros,
  );
  conn.attach(handler);
  serverBell.knock(); // the server scans for new connections when its bell moves
  stopWatch = watchProcessExit(
    header.serverPid,
    () => conn.fail(new RpcError('UNAVAILABLE', `the server process (pid ${header.serverPid}) exited`)),
    { startTime: header.serverStart || undefined },
  );
  poller.kick();
  return conn;
}
