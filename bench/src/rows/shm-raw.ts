/**
 * The shm transport on its own, without Interoffice's envelope work: an echo
 * server and an in-order client over the transport's frames, the same work
 * as the raw unix-socket echo (raw.ts) — so the two raw rows compare the
 * transports, and the interoffice rows show what core adds on top.
 */
import type { Connection, FrameHandler, FrameTransport } from '@interoffice/core';
import { shmTransport } from '@interoffice/transport-shm';
import type { Caller } from '../measure.js';
import { inOrderCaller } from './raw.js';

const transport = (): FrameTransport => shmTransport() as FrameTransport;

/** Echo every frame back on the connection it came from. */
export async function rawShmEchoServer(url: URL): Promise<URL> {
  const listener = await transport().listen(
    url,
    (conn: Connection): FrameHandler => ({
      frame: (f) => void conn.send(f),
      oversized: () => {},
      drain: () => {},
      closed: () => {},
    }),
  );
  return listener.url;
}

/** A client that matches replies to requests in order, parsing each. */
export async function rawShmClient(url: URL): Promise<Caller> {
  let caller: ReturnType<typeof inOrderCaller> | undefined;
  const conn = await transport().connect(url, {
    frame: (f) => caller?.receive(f),
    oversized: () => {},
    drain: () => {},
    closed: () => {},
  });
  caller = inOrderCaller(
    (line) => void conn.send(line),
    async () => conn.close(),
  );
  return caller;
}
