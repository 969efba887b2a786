/**
 * NATS rows: raw @nats-io/transport-node request/reply in a queue group as
 * the baseline, and the Interoffice NATS transport in core mode (request/reply)
 * and durable mode (JetStream work queue, against BullMQ). All use the NATS at
 * NATS_URL (default 127.0.0.1:4222) and are left out when none answers.
 */
import { connect, serve } from '@interoffice/core';
import { natsAvailable, natsTransport } from '@interoffice/transport-nats';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect as natsConnect } from '@nats-io/transport-node';
import type { Caller } from '../measure.js';
import { benchCaller, benchImpl } from '../service.js';
import type { Row, StartServer } from './row.js';

const base = (process.env.NATS_URL ?? 'nats://127.0.0.1:4222').replace(/^(nats:\/\/[^/?]+).*$/, '$1');
const available = (): Promise<boolean> => natsAvailable(base);
const subjectOf = (url: URL): string => decodeURIComponent(url.pathname.slice(1));

/** The baseline server: answer each request with the sum, as JSON. */
async function rawServer(url: URL): Promise<URL> {
  const nc = await natsConnect({ servers: url.host });
  nc.subscribe(subjectOf(url), {
    queue: 'raw',
    callback: (_e, m) => {
      const { a, b, s } = m.json<{ a: number; b: number; s?: string }>();
      m.respond(JSON.stringify(s ?? a + b));
    },
  });
  await nc.flush();
  return url;
}

/** The baseline client: nc.request with a JSON body, the reply parsed. */
async function rawClient(url: URL): Promise<Caller> {
  const nc = await natsConnect({ servers: url.host });
  const subject = subjectOf(url);
  let i = 0;
  const ask = async (body: object): Promise<unknown> =>
    (await nc.request(subject, JSON.stringify(body), { timeout: 30_000 })).json();
  return {
    call: () => ask({ a: ++i, b: 1 }),
    echo: (s) => ask({ s }),
    close: () => nc.close(),
  };
}

async function interoffice(url: URL): Promise<Caller> {
  const channel = await connect(url, { transports: [natsTransport()] });
  return benchCaller(channel);
}

/** The durable row's client; closing it deletes the row's two streams (the shared NATS outlives the bench). */
async function durable(url: URL): Promise<Caller> {
  const caller = await interoffice(url);
  const token = subjectOf(url).replace(/[^A-Za-z0-9_-]/g, '_');
  return {
    call: caller.call,
    echo: caller.echo,
    close: async () => {
      await caller.close();
      const nc = await natsConnect({ servers: url.host });
      const jsm = await jetstreamManager(nc);
      for (const name of [`INTEROFFICE_${token}`, `INTEROFFICE_ANSWERS_${token}`]) await jsm.streams.delete(name).catch(() => {});
      await nc.close();
    },
  };
}

const ours: StartServer = async (url) => {
  const server = await serve(benchImpl, { listen: [url], transports: [natsTransport()] });
  return server.urls[0] as URL;
};

export const servers: Record<string, StartServer> = { 'nats-raw': rawServer, 'interoffice-nats': ours };

const RAW = 'raw nats.js request/reply';
const subject = `${base}/bench-${process.pid}-$N`;

export const rows: Row[] = [
  { name: RAW, server: 'nats-raw', address: subject, available, client: rawClient },
  { name: 'interoffice nats', baseline: RAW, server: 'interoffice-nats', address: subject, available, client: interoffice },
  // Divided by BullMQ (the Redis rows): the issue asks the durable modes for ≥ 3× its throughput.
  {
    name: 'interoffice nats durable (JetStream) ÷ BullMQ',
    baseline: 'BullMQ add + waitUntilFinished (÷ interoffice redis)',
    server: 'interoffice-nats',
    address: `${subject}?mode=durable`,
    available,
    curve: false,
    client: durable,
  },
];
