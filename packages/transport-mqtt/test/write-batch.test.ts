/**
 * batchWrites on a real loopback socket: one event-loop turn's writes leave
 * as one buffer (not as the many small chunks mqtt-packet writes), in order;
 * a large turn is written as it is; a write with a callback, an end and a
 * new socket after a reconnect each keep the order of what was written.
 */
import { once } from 'node:events';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { batchWrites, GATHER_BYTES } from '../src/write-batch.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A connected socket pair, the written side spied on: what reaches the socket's own `_write`/`_writev`. */
async function pair(): Promise<{ socket: Socket; received: () => Promise<string>; writes: number[][] }> {
  const server: Server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const accepted = once(server, 'connection');
  const socket = connect((server.address() as { port: number }).port, '127.0.0.1');
  await once(socket, 'connect');
  const [peer] = (await accepted) as [Socket];
  cleanups.push(
    () => new Promise((r) => server.close(r)),
    () => socket.destroy(),
    () => peer.destroy(),
  );
  const chunks: Buffer[] = [];
  peer.on('data', (c: Buffer) => chunks.push(c));
  const ended = once(peer, 'end');
  const writes: number[][] = []; // each call into the socket: the chunk sizes it was given
  const s = socket as unknown as {
    _write(c: Buffer, e: string, cb: () => void): void;
    _writev(cs: { chunk: Buffer }[], cb: () => void): void;
  };
  const write = s._write.bind(socket);
  const writev = s._writev.bind(socket);
  s._write = (c, e, cb) => {
    writes.push([Buffer.byteLength(c)]);
    write(c, e, cb);
  };
  s._writev = (cs, cb) => {
    writes.push(cs.map((c) => Buffer.byteLength(c.chunk)));
    writev(cs, cb);
  };
  const received = async (): Promise<string> => {
    socket.end();
    await ended;
    return Buffer.concat(chunks).toString();
  };
  return { socket, received, writes };
}

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('batchWrites', () => {
  it("writes one turn's chunks as one buffer, in order", async () => {
    const { socket, received, writes } = await pair();
    const hold = batchWrites({ stream: socket } as unknown as MqttClient);
    hold();
    socket.write('a');
    socket.write(Buffer.from('bc'));
    hold(); // a second publish of the same turn
    socket.write('déf');
    expect(writes).toEqual([]); // nothing yet: held until the turn ends
    await turn();
    expect(writes).toEqual([[7]]);
    hold();
    socket.write('g');
    await turn();
    expect(writes).toEqual([[7], [1]]);
    socket.write('h'); // not held: written at once
    expect(await received()).toBe('abcdéfgh');
  });

  it('writes a turn larger than GATHER_BYTES as its chunks, uncopied and in order', async () => {
    const { socket, received, writes } = await pair();
    const hold = batchWrites({ stream: socket } as unknown as MqttClient);
    const big = 'x'.repeat(GATHER_BYTES);
    hold();
    socket.write('<');
    socket.write(big);
    socket.write('>');
    await turn();
    expect(writes).toEqual([[1, GATHER_BYTES, 1]]);
    expect(await received()).toBe(`<${big}>`);
  });

  it('writes what is held before a write with a callback, and before the end', async () => {
    const { socket, received, writes } = await pair();
    const hold = batchWrites({ stream: socket } as unknown as MqttClient);
    hold();
    socket.write('1');
    socket.write('2');
    const written = new Promise((r) => socket.write('3', r));
    expect(writes).toEqual([[2], [1]]);
    await written;
    hold();
    socket.write('4');
    expect(await received()).toBe('1234'); // ends with '4' held: end writes it first
  });

  it("holds a reconnected client's new socket, and lets the old one write directly", async () => {
    const first = await pair();
    const second = await pair();
    const client = { stream: first.socket } as unknown as MqttClient & { stream: Socket };
    const hold = batchWrites(client);
    hold();
    first.socket.write('a');
    await turn();
    client.stream = second.socket;
    hold();
    second.socket.write('b');
    second.socket.write('c');
    first.socket.write('late'); // the old socket is not held
    expect(first.writes).toEqual([[1], [4]]);
    await turn();
    expect(second.writes).toEqual([[2]]);
    expect(await first.received()).toBe('alate');
    expect(await second.received()).toBe('bc');
  });
});
