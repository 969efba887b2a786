/**
 * NATS rows: raw @nats-io/transport-node request/reply in a queue group as
 * the baseline, and the Interoffice NATS transport in core mode (request/reply)
 * and durable mode (JetStream work queue, against BullMQ), and a raw JetStream
 * work-queue RPC: what the broker alone does for a durable call. All use the NATS at
 * NATS_URL (default 127.0.0.1:4222) and are left out when none answers.
 */
import { connect, serve } from '@interoffice/core';
import { natsAvailable, natsTransport } from '@interoffice/transport-nats';
import { AckPolicy, jetstream, jetstreamManager, RetentionPolicy } from '@nats-io/jetstream';
import { connect as natsConnect, createInbox, headers, type NatsConnection } from '@nats-io/transport-node';
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

/** The raw JetStream row's stream and the subject its requests go to. */
const rawStream = (url: URL): { name: string; subject: string } => {
  const token = subjectOf(url).replace(/[^A-Za-z0-9_-]/g, '_');
  return { name: `RAWJS_${token}`, subject: `_RAWJS.${subjectOf(url)}` };
};

/**
 * The raw JetStream work-queue RPC: the least a durable call costs on this
 * broker, with none of Interoffice's work. The server keeps a work-queue
 * stream and one pull consumer (explicit acks, 64 messages at a time) and
 * answers each request to the subject in its `Reply` header, then acks it; no
 * answers are kept (Interoffice keeps each, for a redelivered copy).
 */
async function rawJetStreamServer(url: URL): Promise<URL> {
  const nc = await natsConnect({ servers: url.host });
  const jsm = await jetstreamManager(nc);
  const { name, subject } = rawStream(url);
  await jsm.streams.add({ name, subjects: [subject], retention: RetentionPolicy.Workqueue });
  await jsm.consumers.add(name, { durable_name: 'workers', ack_policy: AckPolicy.Explicit });
  const messages = await (await jetstream(nc).consumers.get(name, 'workers')).consume({ max_messages: 64 });
  void (async () => {
    for await (const m of messages) {
      const { a, b, s } = m.json<{ a: number; b: number; s?: string }>();
      nc.publish(m.headers?.get('Reply') ?? '', JSON.stringify(s ?? a + b));
      m.ack();
    }
  })();
  return url;
}

/** Its client: a JetStream publish (stored, acknowledged) per call; answers matched by reply subject. */
async function rawJetStreamClient(url: URL): Promise<Caller> {
  const nc: NatsConnection = await natsConnect({ servers: url.host });
  const js = jetstream(nc);
  const { name, subject } = rawStream(url);
  const inbox = createInbox();
  const waiting = new Map<string, (v: unknown) => void>();
  nc.subscribe(`${inbox}.*`, { callback: (_e, m) => waiting.get(m.subject)?.(m.json()) });
  let i = 0;
  const ask = (body: object): Promise<unknown> => {
    const reply = `${inbox}.${++i}`;
    const h = headers();
    h.set('Reply', reply);
    return new Promise((resolve, reject) => {
      waiting.set(reply, (v) => {
        waiting.delete(reply);
        resolve(v);
      });
      js.publish(subject, JSON.stringify(body), { headers: h }).catch(reject);
    });
  };
  return {
    call: () => ask({ a: i, b: 1 }),
    echo: (s) => ask({ s }),
    close: async () => {
      await (await jetstreamManager(nc)).streams.delete(name).catch(() => {});
      await nc.close();
    },
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

export const servers: Record<string, StartServer> = {
  'nats-raw': rawServer,
  'nats-raw-jetstream': rawJetStreamServer,
  'interoffice-nats': ours,
};

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
  // The ceiling for the row above: what JetStream alone allows a durable call, also ÷ BullMQ.
  {
    name: 'raw JetStream work-queue RPC ÷ BullMQ',
    baseline: 'BullMQ add + waitUntilFinished (÷ interoffice redis)',
    server: 'nats-raw-jetstream',
    address: subject,
    available,
    curve: false,
    client: rawJetStreamClient,
  },
];
