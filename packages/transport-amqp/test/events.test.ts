/** Events on `amq.topic`: ours reach plain AMQP subscribers, theirs reach ours. */
import { randomUUID } from 'node:crypto';
import { openEvents } from '@interoffice/core';
import { connect as amqpConnect, type Channel } from 'amqplib';
import { hearsAgain } from '../../core/test/shared/events-away.js';
import { afterEach, describe, expect, it } from 'vitest';
import { amqpTransport } from '../src/index.js';
import { amqpUrl, dropConnections, queueUrl, until } from './helpers.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A plain AMQP subscriber: a queue bound to amq.topic with the channel as routing key; `ch` publishes too. */
async function plainSubscriber(channel: string): Promise<{ ch: Channel; plain: string[] }> {
  const model = await amqpConnect(amqpUrl);
  cleanups.push(() => model.close());
  const ch = await model.createChannel();
  const { queue } = await ch.assertQueue('', { exclusive: true });
  await ch.bindQueue(queue, 'amq.topic', channel);
  const plain: string[] = [];
  await ch.consume(queue, (m) => m && plain.push(m.content.toString()), { noAck: true });
  return { ch, plain };
}

describe('events on amq.topic', () => {
  it('publish and subscribe both ways with a plain AMQP client; unsubscribing stops delivery', async () => {
    const channel = `io.events.${randomUUID()}`;
    const bus = await openEvents(`${amqpUrl}/`, { transports: [amqpTransport()] });
    cleanups.push(() => bus.close());
    const got: string[] = [];
    const stop = await bus.subscribe(channel, (p) => got.push(p));
    const { ch, plain } = await plainSubscriber(channel);

    await bus.publish(channel, '{"n":1}');
    await until(() => got.length === 1 && plain.length === 1, 5000, 'ours delivered to both');
    ch.publish('amq.topic', channel, Buffer.from('{"n":2}')); // after: two connections, no order between them
    await until(() => got.length === 2 && plain.length === 2, 5000, 'both events delivered to both');
    expect(got).toEqual(['{"n":1}', '{"n":2}']);
    expect(plain).toEqual(['{"n":1}', '{"n":2}']);
    await bus.publish(`${channel}.other`, 'not for us');
    // A second subscription of ours to the same channel, left on: when it has the third, the
    // exchange has routed it and a still-bound first subscription would have been handed it too.
    const still: string[] = [];
    await bus.subscribe(channel, (p) => still.push(p));
    await stop();
    await bus.publish(channel, '{"n":3}');
    await until(() => plain.length === 3 && still.length === 1, 5000, 'the plain subscriber and our second see the third');
    expect(got).toHaveLength(2);
  });

  it('a lost connection: the bus connects again by itself, its subscriptions hear again, and its publishes go out', async () => {
    const channel = `io.events.${randomUUID()}`;
    const url = queueUrl(); // events ignore the path; it makes this bus's connection the only one of its name
    const bus = await openEvents(url, { transports: [amqpTransport()] });
    cleanups.push(() => bus.close());
    const got: string[] = [];
    const stop = await bus.subscribe(channel, (p) => got.push(p));
    const { ch, plain } = await plainSubscriber(channel);

    expect(dropConnections(url, 'events')).toBe(1);
    await hearsAgain(got, () => ch.publish('amq.topic', channel, Buffer.from('{"again":true}')), '{"again":true}');
    await bus.publish(channel, '{"ours":true}');
    await until(() => plain.includes('{"ours":true}'), 5000, 'our publish reaches the plain subscriber');
    // Unsubscribing after the reconnection stops the subscription bound anew (a second one shows the exchange routed it).
    const heard = got.length;
    const still: string[] = [];
    await bus.subscribe(channel, (p) => still.push(p));
    await stop();
    ch.publish('amq.topic', channel, Buffer.from('{"last":true}'));
    await until(() => still.length === 1, 5000, 'the second subscription hears the last');
    expect(got).toHaveLength(heard);
    expect(dropConnections(url, 'events')).toBe(1); // one connection, not one more for each loss
  });
});
