/**
 * RabbitMQ rows: a hand-written amqplib RPC in the style of RabbitMQ's RPC
 * tutorial (a work queue with manual acks and a prefetch of 64, replies by
 * direct reply-to with correlation ids, noDelay on both sockets) as the
 * baseline, and the Interoffice AMQP transport. Both use the broker at
 * AMQP_URL (default amqp://127.0.0.1:5672) and are left out when none answers.
 */
import { connect, serve } from '@interoffice/core';
import { amqpAvailable, amqpTransport } from '@interoffice/transport-amqp';
import { connect as amqpConnect } from 'amqplib';
import type { Caller } from '../measure.js';
import { benchCaller, benchImpl } from '../service.js';
import type { Row, StartServer } from './row.js';

const base = (process.env.AMQP_URL ?? 'amqp://127.0.0.1:5672').replace(/^(amqps?:\/\/[^/?]+).*$/, '$1');
const available = (): Promise<boolean> => amqpAvailable(base);
const queueOf = (url: URL): string => decodeURIComponent(url.pathname.slice(1));
const REPLY_TO = 'amq.rabbitmq.reply-to';

/** The baseline server: take a request, publish the sum to its reply_to with its correlation_id, ack. */
async function rawServer(url: URL): Promise<URL> {
  const model = await amqpConnect(base, { noDelay: true });
  const ch = await model.createChannel();
  const queue = queueOf(url);
  await ch.assertQueue(queue, { durable: false, autoDelete: true });
  await ch.prefetch(64);
  await ch.consume(queue, (m) => {
    if (m === null) return;
    const { a, b, s } = JSON.parse(m.content.toString()) as { a: number; b: number; s?: string };
    ch.publish('', m.properties.replyTo as string, Buffer.from(JSON.stringify(s ?? a + b)), {
      correlationId: m.properties.correlationId as string,
    });
    ch.ack(m);
  });
  return url;
}

/** The baseline client: publish with reply_to and a correlation id; one consumer settles the calls. */
async function rawClient(url: URL): Promise<Caller> {
  const model = await amqpConnect(base, { noDelay: true });
  const ch = await model.createChannel();
  const queue = queueOf(url);
  const waiting = new Map<string, (value: unknown) => void>();
  await ch.consume(
    REPLY_TO,
    (m) => {
      const id = m?.properties.correlationId as string | undefined;
      if (m === null || id === undefined) return;
      waiting.get(id)?.(JSON.parse(m.content.toString()));
      waiting.delete(id);
    },
    { noAck: true },
  );
  let i = 0;
  const ask = (body: (n: number) => object): Promise<unknown> =>
    new Promise((resolve) => {
      const id = String(++i);
      waiting.set(id, resolve);
      ch.publish('', queue, Buffer.from(JSON.stringify(body(i))), { replyTo: REPLY_TO, correlationId: id });
    });
  return {
    call: () => ask((n) => ({ a: n, b: 1 })),
    echo: (s) => ask(() => ({ s })),
    close: () => model.close(),
  };
}

async function interoffice(url: URL): Promise<Caller> {
  const channel = await connect(url, { transports: [amqpTransport()] });
  return benchCaller(channel);
}

export const servers: Record<string, StartServer> = {
  'amqp-raw-rpc': rawServer,
  'interoffice-amqp': async (url) => {
    const server = await serve(benchImpl, { listen: [url], transports: [amqpTransport()] });
    return server.urls[0] as URL;
  },
};

const RAW = 'raw amqplib RPC, direct reply-to';
const queue = `${base}/bench-${process.pid}-$N`;

export const rows: Row[] = [
  { name: RAW, server: 'amqp-raw-rpc', address: queue, available, client: rawClient },
  { name: 'interoffice amqp', baseline: RAW, server: 'interoffice-amqp', address: queue, available, client: interoffice },
];
