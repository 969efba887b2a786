/**
 * Metadata as AMQP headers: a stock client (amqplib, in RabbitMQ's RPC-tutorial style) that
 * puts metadata in the message's headers, not in the body's `meta`, is served with it — the
 * handler sees it in `ctx.meta`; the body's `meta` wins where both name a key; our own and
 * RabbitMQ's headers are not metadata. Our client copies metadata into the headers too.
 */
import { connect, createClient, serve } from '@interoffice/core';
import { Conformance, conformanceImpl, ServerState } from '@interoffice/core/conformance';
import amqplib from 'amqplib';
import { afterEach, describe, expect, it } from 'vitest';
import { amqpTransport } from '../src/index.js';
import { amqpUrl, queueUrl } from './helpers.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** One call as a stock client makes it: publish to the queue with direct reply-to, read the one answer. */
async function stockCall(queue: string, body: object, headers: Record<string, unknown>): Promise<Record<string, unknown>> {
  const conn = await amqplib.connect(amqpUrl);
  cleanups.push(() => conn.close().catch(() => {}));
  const ch = await conn.createChannel();
  const answer = new Promise<Record<string, unknown>>((resolve) => {
    void ch.consume('amq.rabbitmq.reply-to', (m) => m && resolve(JSON.parse(m.content.toString()) as Record<string, unknown>), {
      noAck: true,
    });
  });
  ch.sendToQueue(queue, Buffer.from(JSON.stringify(body)), { replyTo: 'amq.rabbitmq.reply-to', correlationId: '1', headers });
  return answer;
}

describe('metadata as AMQP headers', () => {
  it("reach the handler's ctx.meta from a stock client's headers; the body's meta wins; ours and RabbitMQ's are not metadata", async () => {
    const url = queueUrl();
    const server = await serve(conformanceImpl(new ServerState()), { listen: [url], transports: [amqpTransport()] });
    cleanups.push(() => server.close({ graceMs: 0 }));
    const queue = new URL(url).pathname.slice(1);
    const answer = await stockCall(
      queue,
      { jsonrpc: '2.0', id: 1, method: 'conformance.Conformance.meta', params: {}, meta: { 'x-both': 'body' } },
      { 'X-Request': 'abc', 'x-both': 'header', 'x-number': 7, 'x-first-death-queue': 'q', 'interoffice-caller': 'stock-1' },
    );
    expect(answer).toMatchObject({ id: 1, result: { 'x-request': 'abc', 'x-both': 'body' } });
    const result = answer.result as Record<string, string>;
    expect(Object.keys(result).sort()).toEqual(['x-both', 'x-request']);
  });

  it('our client sends metadata in the headers too', async () => {
    const url = queueUrl();
    const queue = new URL(url).pathname.slice(1);
    const conn = await amqplib.connect(amqpUrl);
    cleanups.push(() => conn.close().catch(() => {}));
    const ch = await conn.createChannel();
    await ch.assertQueue(queue, { durable: true });
    const seen = new Promise<Record<string, unknown> | undefined>((resolve) => {
      void ch.consume(queue, (m) => m && resolve(m.properties.headers), { noAck: true });
    });
    const channel = await connect(url, { transports: [amqpTransport()] });
    cleanups.push(() => channel.close());
    void createClient(Conformance, channel)
      .meta({}, { meta: { 'x-request': 'abc' }, timeout: 2000 })
      .catch(() => {});
    expect(await seen).toMatchObject({ 'x-request': 'abc' });
    await ch.deleteQueue(queue);
  });
});
