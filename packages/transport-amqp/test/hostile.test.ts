/**
 * What a raw AMQP peer can send a worker: garbage, an oversized body, a call
 * without reply_to, stray control messages. Each gets a named error (or is
 * dropped, when there is nowhere to answer) and the worker keeps serving.
 */
import { randomUUID } from 'node:crypto';
import { serve } from '@interoffice/core';
import { connect, type Channel, type ConsumeMessage } from 'amqplib';
import { afterEach, describe, expect, it } from 'vitest';
import { amqpTransport, CONTROL_EXCHANGE, REPLY_TO } from '../src/index.js';
import { amqpUrl, jobs, queueUrl, until, type Seen } from './helpers.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A bare amqplib peer publishing to `queue` and collecting what comes back on direct reply-to. */
async function rawPeer(): Promise<{ ch: Channel; replies: ConsumeMessage[] }> {
  const model = await connect(amqpUrl);
  cleanups.push(() => model.close().catch(() => {}));
  const ch = await model.createChannel();
  const replies: ConsumeMessage[] = [];
  await ch.consume(REPLY_TO, (m) => m && replies.push(m), { noAck: true });
  return { ch, replies };
}

describe('hostile messages', () => {
  it('garbage, an oversized body, a call without reply_to and stray control messages: named errors, and the worker keeps serving', async () => {
    const url = queueUrl();
    const queue = new URL(url).pathname.slice(1);
    const seen: Seen = { runs: [], aborted: [] };
    const server = await serve(jobs(seen), { listen: [url], transports: [amqpTransport({ maxFrameBytes: 64 * 1024 })] });
    cleanups.push(() => server.close());
    const { ch, replies } = await rawPeer();
    const send = (body: Buffer | string, correlationId: string, replyTo: string | undefined) =>
      ch.sendToQueue(queue, Buffer.from(body), { replyTo, correlationId });
    const answer = async (correlationId: string) => {
      await until(
        () => replies.some((r) => r.properties.correlationId === correlationId),
        5000,
        `the answer to ${correlationId}`,
      );
      return JSON.parse(replies.find((r) => r.properties.correlationId === correlationId)?.content.toString() ?? '');
    };

    send(Buffer.from([0xff, 0xfe, 0x00, 0x7b]), 'garbage', REPLY_TO);
    expect(await answer('garbage')).toMatchObject({ id: null, error: { code: -32700 } });

    send(
      JSON.stringify({ jsonrpc: '2.0', id: 'big', method: 'Jobs.add', params: { a: 1, b: 'x'.repeat(100_000) } }),
      'big',
      REPLY_TO,
    );
    expect(await answer('big')).toMatchObject({ id: 'big', error: { data: { code: 'RESOURCE_EXHAUSTED' } } });

    // Nowhere to answer: run, acknowledged, nothing sent back.
    send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'Jobs.add', params: { a: 40, b: 2 } }), 'lost', undefined);
    await until(() => seen.runs.includes('add 40 2'), 5000, 'the call without reply_to run');

    ch.publish(CONTROL_EXCHANGE, queue, Buffer.from('not json'));
    ch.publish(CONTROL_EXCHANGE, queue, Buffer.from(JSON.stringify({ caller: 7, cancel: 1 })));

    send(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'Jobs.add', params: { a: 2, b: 3 } }), 'ok', REPLY_TO);
    expect(await answer('ok')).toEqual({ jsonrpc: '2.0', id: 2, result: 5 });
    expect(replies.map((r) => r.properties.correlationId)).toEqual(['garbage', 'big', 'ok']);
    // Nothing is left unacknowledged or queued for another worker to run again.
    await until(async () => (await ch.checkQueue(queue)).messageCount === 0, 5000, 'an empty queue');
    expect(seen.runs).toEqual(['add 40 2', 'add 2 3']);
  });

  it('stock clients sharing request ids are told apart by their reply_to', async () => {
    const url = queueUrl();
    const queue = new URL(url).pathname.slice(1);
    const server = await serve(jobs({ runs: [], aborted: [] }), { listen: [url], transports: [amqpTransport()] });
    cleanups.push(() => server.close());
    const peers = await Promise.all([rawPeer(), rawPeer()]);
    const slow = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'Jobs.work', params: { tag: 'x', ms: 300 } });
    for (const [i, p] of peers.entries())
      p.ch.sendToQueue(queue, Buffer.from(slow), { replyTo: REPLY_TO, correlationId: `${i}-${randomUUID()}` });
    for (const p of peers) await until(() => p.replies.length === 1, 5000, 'both answered');
    for (const p of peers)
      expect(JSON.parse(p.replies[0]?.content.toString() ?? '')).toMatchObject({ id: 1, result: { tag: 'x' } });
  });
});
