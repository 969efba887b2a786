/** Events on plain MQTT topics, both ways with a raw mqtt.js client. */
import { randomBytes } from 'node:crypto';
import { defineEvent, openEvents, publishEvent, subscribeEvent } from '@interoffice/core';
import mqtt from 'mqtt';
import { hearsAgain } from '../../core/test/shared/events-away.js';
import { afterEach, expect, it } from 'vitest';
import { z } from 'zod';
import { mqttTransport } from '../src/index.js';
import { BROKER, until } from './helpers.js';
import { Mosquitto } from './mosquitto.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

it('what we publish reaches a plain subscriber, what it publishes reaches ours (wildcards too); unsubscribing stops it', async () => {
  const base = `ev/${randomBytes(5).toString('hex')}`;
  const bus = await openEvents(BROKER, { transports: [mqttTransport()] });
  cleanups.push(() => bus.close());
  const raw = await mqtt.connectAsync(BROKER, { protocolVersion: 5 });
  cleanups.push(() => raw.endAsync());
  const heard: string[] = [];
  raw.on('message', (topic, payload) => heard.push(`${topic} ${payload.toString()}`));
  await raw.subscribeAsync(`${base}/readings`, { qos: 1 });
  const Reading = defineEvent(`${base}/readings`, z.object({ celsius: z.number() }));
  await publishEvent(bus, Reading, { celsius: 21 });
  await until(() => heard.length === 1);
  expect(heard).toEqual([`${base}/readings {"celsius":21}`]);

  const ours: number[] = [];
  const all: string[] = [];
  const stop = await subscribeEvent(bus, Reading, (r) => ours.push(r.celsius));
  const stopAll = await bus.subscribe(`${base}/#`, (p) => all.push(p));
  await raw.publishAsync(`${base}/readings`, '{"celsius":5}', { qos: 1 });
  await raw.publishAsync(`${base}/other`, 'x', { qos: 1 });
  await until(() => ours.length === 1 && all.length === 2);
  // The moment has passed when a later message from the same client reaches the same bus on a
  // topic it still hears (Mosquitto forwards one client's messages to a subscriber in order).
  const later: string[] = [];
  await bus.subscribe(`${base}-later`, (p) => later.push(p));
  await stop();
  await stopAll();
  await raw.publishAsync(`${base}/readings`, '{"celsius":6}', { qos: 1 });
  await raw.publishAsync(`${base}-later`, 'later', { qos: 1 });
  await until(() => later.length === 1, 5000);
  expect(ours).toEqual([5]);
  expect(all).toEqual(['{"celsius":5}', 'x']);
});

it('a subscriber keeps its topics when the broker restarts (mqtt.js subscribes again, with their identifiers)', async () => {
  const broker = await Mosquitto.start(); // this test's own: no other user
  cleanups.push(() => broker.stop());
  const bus = await openEvents(`${broker.url}/`, { transports: [mqttTransport()] });
  cleanups.push(() => bus.close());
  const got: string[] = [];
  await bus.subscribe('restart/+', (p) => got.push(p));
  await broker.stop();
  await broker.run();
  const raw = await mqtt.connectAsync(broker.url, { protocolVersion: 5 });
  cleanups.push(() => raw.endAsync());
  await hearsAgain(got, () => raw.publishAsync('restart/a', 'still here', { qos: 1 }).catch(() => {}), 'still here');
  await bus.publish('restart/b', 'ours again');
  await until(() => got.includes('ours again'), 5000, 'our publish after the restart');
});
