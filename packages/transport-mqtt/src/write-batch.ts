/**
 * One socket write per event-loop turn. mqtt-packet writes each packet as
 * many small chunks (a request with its properties is 29: each length, name
 * and value on its own), and with noDelay every write would be a system call
 * and a TCP packet. Corking the socket saved the calls but not the chunks:
 * each stays an iovec that the stream layer and the kernel handle one by one.
 * Gathered into one buffer, a sequential call took ~5 µs less of the client's
 * CPU (bench/README.md, 2026-12-05, evening).
 */
import type { MqttClient } from 'mqtt';

/** Above this many bytes a turn's chunks are written corked, as they are: copying them would cost more than their iovecs. */
export const GATHER_BYTES = 64 * 1024;

type Write = (chunk: unknown, encoding?: unknown, cb?: unknown) => boolean;

interface Socket {
  write: Write;
  end: (...args: unknown[]) => unknown;
  cork(): void;
  uncork(): void;
  readonly writableNeedDrain: boolean;
  readonly writableEnded: boolean;
  readonly destroyed: boolean;
}

/** The chunks held this turn, and the socket they are for. */
interface Held {
  readonly socket: Socket;
  readonly chunks: Buffer[];
  bytes: number;
}

/**
 * Hold what is written to `client`'s socket until the end of this
 * event-loop turn and write it then, as one buffer: the packets of a burst
 * (a read's answers, the requests of one turn) leave in one write. Returns
 * the function to call before each publish. mqtt.js opens a new socket on
 * each reconnect; each gets the wrapper when first held.
 */
export function batchWrites(client: MqttClient): () => void {
  let held: Held | undefined;
  const wrapped = new WeakSet<object>();

  const flush = (): void => {
    const h = held;
    held = undefined;
    if (h === undefined || h.chunks.length === 0) return;
    const { socket, chunks, bytes } = h;
    if (socket.destroyed || socket.writableEnded) return; // the connection went: mqtt.js sends again on the next
    if (bytes > GATHER_BYTES) {
      socket.cork();
      for (const c of chunks) socket.write(c);
      socket.uncork();
    } else socket.write(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, bytes));
  };

  const wrap = (socket: Socket): void => {
    wrapped.add(socket);
    const { write, end } = socket;
    socket.write = function (chunk, encoding, cb) {
      const h = held;
      // A write with a callback waits for its own completion: what is held goes first, then it.
      if (h === undefined || h.socket !== socket || typeof encoding === 'function' || cb !== undefined) {
        if (h?.socket === socket) flush();
        return write.call(this, chunk, encoding, cb);
      }
      const b =
        typeof chunk === 'string'
          ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8')
          : (chunk as Buffer);
      h.chunks.push(b);
      h.bytes += b.length;
      return !socket.writableNeedDrain;
    };
    socket.end = function (...args) {
      if (held?.socket === socket) flush(); // nothing held may follow the end
      return end.apply(this, args);
    };
  };

  return () => {
    const socket = client.stream as unknown as Socket | undefined;
    if (held !== undefined || typeof socket?.write !== 'function') return;
    if (!wrapped.has(socket)) wrap(socket);
    held = { socket, chunks: [], bytes: 0 };
    setImmediate(flush);
  };
}
