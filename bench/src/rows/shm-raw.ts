/**
 * The shm transport on its own, without Interoffice's envelope work: an echo
 * server and an in-order client over the transport's frames, the same work
 * as the raw unix-socket echo (raw.ts) — so the two raw rows compare the
 * transports, and the interoffice rows show what core adds on top.
 */
import type { Connection, FrameHandler, FrameTransport } from '@interoffice/core';
import { shmTransport } from '@interoffice/transport-shm';
import type { Caller } from '../measure.js';

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
  const waiting: ((value: unknown) => void)[] = [];
  let head = 0;
  const conn = await transport().connect(url, {
    frame(f) {
      const resolve = waiting[head];
      waiting[head++] = undefined as never;
      resolve?.(JSON.parse(f));
      if (head > 4096) {
        waiting.splice(0, head);
        head = 0;
      }
    },
    oversized: () => {},
    drain: () => {},
    closed: () => {},
  });
  let id = 0;
  return {
    call: () =>
      new Promise((resolve) => {
        waiting.push(resolve);
        conn.send(`{"jsonrpc":"2.0","id":${++id},"method":"add","params":{"a":${id},"b":1}}`);
      }),
    close: async () => conn.close(),
  };
}
