/**
 * Events on plain Redis channels, both ways with any Redis client: the seed
 * article's Python Alice (subscriber) and Bob (publisher), unchanged but for
 * where Redis is, and a raw ioredis client.
 */
import { spawn } from 'node:child_process';
import { defineEvent, openEvents, publishEvent, serve, subscribeEvent, type EventBus } from '@interoffice/core';
import { calculator } from '@interoffice/core/conformance';
import { Redis } from 'ioredis';
import { publishOutcome } from '../../core/test/shared/events-away.js';
import { exitAfterClose } from '../../core/test/shared/message-peers.js';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { redisTransport } from '../src/index.js';
import { python, pythonExample, redisUrl, until } from './helpers.js';
import { RedisServer } from './redis-server.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

let n = 0;
const channel = (): string => `my_channel-${process.pid}-${n++}`;

async function bus(url = redisUrl): Promise<EventBus> {
  const b = await openEvents(url, { transports: [redisTransport()] });
  cleanups.push(() => b.close());
  return b;
}

function plain(url = redisUrl): Redis {
  const r = new Redis(url);
  cleanups.push(() => r.quit());
  return r;
}

const Reading = defineEvent('readings', z.object({ celsius: z.number() }));

describe('events with the seed article’s Python programs', () => {
  it('what Interoffice publishes reaches the seed’s Alice (a plain redis-py subscriber)', async () => {
    const ch = channel();
    const alice = spawn(python, [pythonExample('redis_pubsub_alice.py'), ch], { env: { ...process.env, REDIS_URL: redisUrl } });
    cleanups.push(() => alice.kill('SIGKILL'));
    let out = '';
    alice.stdout.setEncoding('utf8').on('data', (t: string) => (out += t));
    const redis = plain();
    await until(
      async () => ((await redis.call('PUBSUB', 'NUMSUB', ch)) as [string, number])[1] === 1,
      10_000,
      'Alice subscribed',
    );
    const events = await bus();
    await events.publish(ch, 'hello from interoffice');
    await events.publish(ch, JSON.stringify({ celsius: 21.5 }));
    await until(() => out.split('\n').length >= 3, 5000, 'Alice printed both');
    expect(out).toBe('hello from interoffice\n{"celsius":21.5}\n');
  });

  it('what the seed’s Bob publishes reaches an Interoffice subscriber as text; a typed subscriber reports it as not JSON', async () => {
    const ch = channel();
    const events = await bus();
    const texts: string[] = [];
    const invalid: { payload: string; code: string }[] = [];
    await events.subscribe(ch, (t) => texts.push(t));
    await subscribeEvent(
      events,
      { ...Reading, channel: ch },
      () => {},
      (payload, e) => invalid.push({ payload, code: e.code }),
    );
    const bob = spawn(python, [pythonExample('redis_pubsub_bob.py'), ch], { env: { ...process.env, REDIS_URL: redisUrl } });
    const code = await new Promise((r) => bob.once('exit', r));
    expect(code).toBe(0);
    await until(() => texts.length === 1 && invalid.length === 1, 5000, 'Bob’s message');
    expect(texts).toEqual(['example data']);
    expect(invalid).toEqual([{ payload: 'example data', code: 'INVALID_ARGUMENT' }]);
  });
});

describe('events with plain Redis clients', () => {
  it('typed events both ways, unicode intact, and unsubscribing stops them', async () => {
    const redis = plain();
    const sub = plain();
    const events = await bus();
    const readings = { ...Reading, channel: channel() };
    const got: number[] = [];
    const stop = await subscribeEvent(events, readings, (r) => got.push(r.celsius));
    await redis.publish(readings.channel, '{"celsius": -3}');
    const heard: string[] = [];
    sub.on('message', (_c: string, m: string) => heard.push(m));
    await sub.subscribe(readings.channel);
    await publishEvent(events, readings, { celsius: 18 });
    await events.publish(readings.channel, 'żółw 🐢');
    await until(() => got.length === 2 && heard.length === 2, 5000, 'both ways');
    expect(got).toEqual([-3, 18]);
    expect(heard).toEqual(['{"celsius":18}', 'żółw 🐢']);
    await stop();
    await redis.publish(readings.channel, '{"celsius": 99}');
    await until(() => heard.length === 3, 5000, 'the other subscriber heard it'); // so it was sent to every subscriber
    expect(got).toEqual([-3, 18]);
    await expect(publishEvent(events, readings, { celsius: 'warm' as unknown as number })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });

  it('a Redis that stalls (SIGSTOP: connections open, nothing answered): an event bus and a worker still close, within seconds', async () => {
    const server = await RedisServer.start();
    cleanups.push(() => server.stop());
    const events = await bus(server.url);
    const worker = await serve(calculator(), { listen: [`${server.url}/stalled`], transports: [redisTransport()] });
    cleanups.push(() => server.signal('SIGCONT'));
    await server.pause();
    let started = Date.now();
    await events.close(); // before, its QUITs waited for as long as Redis was stopped
    expect(Date.now() - started).toBeLessThan(4000);
    started = Date.now();
    await worker.close(); // each of its steps waits at most 2 s
    expect(Date.now() - started).toBeLessThan(8000);
  });

  it('a client process that closes its channel while Redis stalls exits within seconds', async () => {
    const server = await RedisServer.start();
    cleanups.push(() => server.stop());
    const url = `${server.url}/stalled`;
    const worker = await serve(calculator(), { listen: [url], transports: [redisTransport()] });
    cleanups.push(() => worker.close());
    cleanups.push(() => server.signal('SIGCONT'));
    const module = new URL('../dist/index.js', import.meta.url).pathname;
    expect(await exitAfterClose(module, 'redisTransport', url, () => server.pause(), 8000)).toBeLessThan(6000);
  });

  it('a subscriber keeps its channels when Redis restarts; while it is away a publish fails UNAVAILABLE at once', async () => {
    const server = await RedisServer.start();
    cleanups.push(() => server.stop());
    const events = await bus(server.url);
    const got: string[] = [];
    await events.subscribe('after-restart', (t) => got.push(t)); // this test's own redis-server: no other user
    await server.kill();
    await until(async () => (await publishOutcome(events, 'while-away')) === 'UNAVAILABLE', 5000, 'UNAVAILABLE while away');
    await expect(events.publish('while-away', 'x')).rejects.toThrow(/Redis is away/);
    await server.restart();
    const redis = plain(server.url);
    await until(
      async () => ((await redis.call('PUBSUB', 'NUMSUB', 'after-restart')) as [string, number])[1] === 1,
      10_000,
      'resubscribed',
    );
    await redis.publish('after-restart', 'still here');
    await until(() => got.length === 1, 5000, 'the message');
    expect(got).toEqual(['still here']);
  });
});
