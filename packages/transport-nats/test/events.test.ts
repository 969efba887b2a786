/**
 * Events on plain NATS subjects, both ways with a plain NATS client: what we
 * publish reaches any subscriber, what any client publishes reaches ours;
 * typed events are checked; unsubscribing stops delivery.
 */
import { defineEvent, openEvents, publishEvent, subscribeEvent, type EventBus } from '@interoffice/core';
import { connect as natsConnect } from '@nats-io/transport-node';
import { hearsAgain, publishOutcome } from '../../core/test/shared/events-away.js';
import { afterEach, expect, it } from 'vitest';
import { z } from 'zod';
import { natsTransport } from '../src/index.js';
import { natsUrl, subjectUrl, until } from './helpers.js';
import { NatsServer } from './nats-server.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function bus(): Promise<EventBus> {
  const b = await openEvents(natsUrl, { transports: [natsTransport()] });
  cleanups.push(() => b.close());
  return b;
}

/** A subject no other test uses. */
const fresh = (): string => new URL(subjectUrl()).pathname.slice(1);

it('what we publish reaches a plain NATS subscriber, and what it publishes reaches ours', async () => {
  const b = await bus();
  const nc = await natsConnect({ servers: new URL(natsUrl).host });
  cleanups.push(() => nc.close());
  const subject = fresh();
  const plainGot: string[] = [];
  nc.subscribe(subject, { callback: (_e, m) => void plainGot.push(m.string()) });
  await nc.flush();
  const ours: string[] = [];
  const stop = await b.subscribe(subject, (p) => ours.push(p));
  await b.publish(subject, 'from interoffice');
  nc.publish(subject, 'from a plain client ✓');
  await until(() => plainGot.length === 2 && ours.length === 2, 5000, 'both payloads both ways');
  expect(plainGot).toEqual(['from interoffice', 'from a plain client ✓']);
  expect(ours).toEqual(['from interoffice', 'from a plain client ✓']);
  // The moment has passed when a later message from the same publisher reaches the same connection:
  // NATS keeps one publisher's order to one subscriber connection.
  const later = fresh();
  const laterGot: string[] = [];
  await b.subscribe(later, (p) => laterGot.push(p));
  await stop();
  nc.publish(subject, 'after unsubscribing');
  nc.publish(later, 'later');
  await until(() => laterGot.length === 1, 5000, 'the later message on another subject');
  expect(ours).toHaveLength(2);
});

it('typed events: checked on publish, parsed on delivery; a bad payload from outside goes to onInvalid', async () => {
  const b = await bus();
  const Reading = defineEvent(fresh(), z.object({ celsius: z.number() }));
  const got: number[] = [];
  const bad: string[] = [];
  await subscribeEvent(
    b,
    Reading,
    (r) => got.push(r.celsius),
    (payload) => bad.push(payload),
  );
  await publishEvent(b, Reading, { celsius: 21.5 });
  await expect(publishEvent(b, Reading, { celsius: 'warm' } as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  await b.publish(Reading.channel, '{"celsius":"hot"}');
  await until(() => got.length === 1 && bad.length === 1, 5000, 'one good event and one bad');
  expect(got).toEqual([21.5]);
  expect(bad).toEqual(['{"celsius":"hot"}']);
});

it('a subscriber keeps its subjects when the NATS server restarts (nats.js subscribes again)', async () => {
  const server = await NatsServer.start(); // this test's own: no other user
  cleanups.push(() => server.stop());
  const events = await openEvents(`${server.url}/`, { transports: [natsTransport()] });
  cleanups.push(() => events.close());
  const got: string[] = [];
  await events.subscribe('restart.*', (p) => got.push(p));
  await server.kill();
  await server.restart();
  const plain = await natsConnect({ servers: server.url.replace('nats://', '') });
  cleanups.push(() => plain.close());
  await hearsAgain(got, () => plain.publish('restart.a', 'still here'), 'still here');
  await events.publish('restart.b', 'ours again');
  await until(() => got.includes('ours again'), 5000, 'our publish after the restart');
});

it('closing the bus ends a publish still waiting for the server; while the server is away a publish fails UNAVAILABLE at once', async () => {
  const server = await NatsServer.start(); // this test's own: no other user
  cleanups.push(() => server.stop());
  const events = await openEvents(`${server.url}/`, { transports: [natsTransport()] });
  cleanups.push(() => events.close());
  await server.pause(); // it stops answering, its connections open
  // Its flush (a PING) is sent before publish returns to this turn: the close finds it waiting.
  const waiting = events.publish('away.a', 'waits').catch((e: unknown) => e);
  await events.close();
  expect(await waiting).toMatchObject({ code: 'UNAVAILABLE', message: expect.stringContaining('closed') });
  server.signal('SIGCONT');
  const again = await openEvents(`${server.url}/`, { transports: [natsTransport()] });
  cleanups.push(() => again.close());
  await server.kill();
  await until(async () => (await publishOutcome(again, 'away.b')) === 'UNAVAILABLE', 5000, 'UNAVAILABLE while away');
});
