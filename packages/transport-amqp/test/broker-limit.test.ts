/**
 * RabbitMQ's own limit on a message (`max_message_size`) below `maxFrameBytes`: the broker
 * closes the channel that published a larger message, and says its limit. The transport
 * learns the limit from that refusal and holds to it from then on. The test lowers the
 * limit of the local broker to 3 MiB (with rabbitmqctl) for its own duration: above
 * anything the other tests send, so those running beside it are not touched.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { connect, createClient, implement, openEvents, serve } from '@interoffice/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hearsAgain } from '../../core/test/shared/events-away.js';
import { Sized } from '../../core/test/shared/size-limit.js';
import { amqpTransport } from '../src/index.js';
import { amqpUrl, queueUrl } from './helpers.js';

const LIMIT = 3 * 1024 * 1024;
const maxFrameBytes = 8 * 1024 * 1024;

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The broker's `max_message_size`: read, or set (channels opened afterwards hold to it). */
const brokerLimit = (set?: number): number => {
  const expr =
    set === undefined
      ? 'application:get_env(rabbit, max_message_size).'
      : `application:set_env(rabbit, max_message_size, ${set}), {ok, ${set}}.`;
  const out = execFileSync('rabbitmqctl', ['eval', expr], { encoding: 'utf8' });
  const m = /\{ok,\s*(\d+)\}/.exec(out);
  if (m === null) throw new Error(`rabbitmqctl eval said: ${out}`);
  return Number(m[1]);
};

const local = /^amqp:\/\/(127\.0\.0\.1|localhost)(:5672)?$/.test(amqpUrl);

// rabbitmqctl sets the limit of the local node only: a broker elsewhere (AMQP_URL) cannot be lowered from here.
describe.skipIf(!local)(
  "a message over RabbitMQ's max_message_size (skipped when AMQP_URL names a broker on another host: rabbitmqctl lowers the limit of this host's node only)",
  () => {
    let before = 0;
    beforeAll(() => {
      before = brokerLimit();
      brokerLimit(LIMIT);
    });
    afterAll(() => {
      if (before > 0) brokerLimit(before);
    });

    /** Serve Sized at a new queue, counting the runs; a client on a transport of its own. */
    async function sized(runs = { n: 0 }) {
      const url = queueUrl();
      const impl = implement(Sized, {
        make: ({ n }) => {
          runs.n++;
          return 'x'.repeat(n);
        },
      });
      const server = await serve(impl, { listen: [url], transports: [amqpTransport({ maxFrameBytes })] });
      cleanups.push(() => server.close());
      const channel = await connect(url, { transports: [amqpTransport({ maxFrameBytes })] });
      cleanups.push(() => channel.close());
      return createClient(Sized, channel);
    }

    it('an answer over it: the worker learns the limit from the refusal, the call gets RESOURCE_EXHAUSTED, and the worker goes on', async () => {
      const runs = { n: 0 };
      const client = await sized(runs);
      await expect(client.make({ n: LIMIT + 1000, pad: '' })).rejects.toMatchObject({
        code: 'RESOURCE_EXHAUSTED',
        message: expect.stringMatching(new RegExp(`response of \\d+ bytes exceeds the frame limit of ${LIMIT}`)),
      });
      // The refused answer's ack went with its channel: the broker delivered the request once more, and no more.
      expect(runs.n).toBe(2);
      expect(await client.make({ n: 3, pad: '' })).toBe('xxx');
      expect(runs.n).toBe(3);
    });

    it('a request over it: the call fails RESOURCE_EXHAUSTED naming the limit; later ones are refused before they are sent', async () => {
      const client = await sized();
      const big = { n: 1, pad: 'p'.repeat(LIMIT + 1000) };
      await expect(client.make(big)).rejects.toMatchObject({
        code: 'RESOURCE_EXHAUSTED',
        message: expect.stringContaining(`max_message_size of ${LIMIT} bytes`),
      });
      expect(await client.make({ n: 3, pad: '' })).toBe('xxx'); // on a new connection
      await expect(client.make(big)).rejects.toMatchObject({
        code: 'RESOURCE_EXHAUSTED',
        message: expect.stringMatching(new RegExp(`request of \\d+ bytes exceeds the frame limit of ${LIMIT}`)),
      });
      expect(await client.make({ n: 4, pad: '' })).toBe('xxxx');
    });

    it('an event over it: the bus connects again, learns the limit, and refuses larger events from then on', async () => {
      const bus = await openEvents(queueUrl(), { transports: [amqpTransport()] });
      cleanups.push(() => bus.close());
      const channel = `io.big.${randomUUID()}`;
      const got: string[] = [];
      await bus.subscribe(channel, (p) => got.push(p));
      const big = 'x'.repeat(LIMIT + 1);
      await bus.publish(channel, big); // it goes out; the broker closes the channel
      await hearsAgain(got, () => bus.publish(channel, 'small').catch(() => {}), 'small');
      await expect(bus.publish(channel, big)).rejects.toMatchObject({
        code: 'RESOURCE_EXHAUSTED',
        message: expect.stringContaining(`max_message_size of ${LIMIT}`),
      });
    });
  },
);
