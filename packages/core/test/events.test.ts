import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../src/conformance/testing.js';
import { defineEvent, memoryTransport, openEvents, publishEvent, subscribeEvent } from '../src/index.js';
import { socketTransportLike } from './socket-like.js';

describe('events', () => {
  it('deliver raw payloads on named channels, per bus namespace, until unsubscribed', async () => {
    const transports = [memoryTransport()];
    const a = await openEvents('memory://bus', { transports });
    const b = await openEvents('memory://bus', { transports });
    const other = await openEvents('memory://elsewhere', { transports });
    const got: string[] = [];
    const stop = await b.subscribe('my_channel', (p) => got.push(p));
    await other.subscribe('my_channel', (p) => got.push(`wrong bus: ${p}`));
    // The negative checks wait for a fence: a later message on each bus, delivered in order after
    // anything the earlier publishes could have delivered (a sleep would pass when delivery is late).
    const fences: string[] = [];
    const fenced = async (bus: typeof a, publisher: typeof a, name: string): Promise<void> => {
      await bus.subscribe(`fence-${name}`, () => fences.push(name));
      await publisher.publish(`fence-${name}`, '');
    };
    await a.publish('my_channel', 'example data');
    await a.publish('other_channel', 'not for us');
    await fenced(b, a, 'b');
    await fenced(other, await openEvents('memory://elsewhere', { transports }), 'other');
    await waitFor(() => fences.length === 2);
    expect(got).toEqual(['example data']);
    await stop();
    await a.publish('my_channel', 'after');
    await fenced(b, a, 'b again');
    await waitFor(() => fences.length === 3);
    expect(got).toEqual(['example data']);
  });

  it('check typed events, and hand what does not fit to onInvalid', async () => {
    const transports = [memoryTransport()];
    const bus = await openEvents('memory://typed', { transports });
    const Note = defineEvent('notes', z.object({ text: z.string() }));
    const seen: string[] = [];
    const invalid: string[] = [];
    await subscribeEvent(
      bus,
      Note,
      (n) => seen.push(n.text),
      (raw, e) => invalid.push(`${raw} (${e.code})`),
    );
    await publishEvent(bus, Note, { text: 'hello' });
    await bus.publish('notes', 'not json');
    await bus.publish('notes', '{"text":5}');
    await publishEvent(bus, Note, { text: 'last' }); // delivered in order: once it is seen, so are the two before
    await waitFor(() => seen.includes('last'));
    expect(seen).toEqual(['hello', 'last']);
    expect(invalid).toEqual(['not json (INVALID_ARGUMENT)', '{"text":5} (INVALID_ARGUMENT)']);
    await expect(publishEvent(bus, Note, { text: 1 } as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('say so when a transport carries no events', async () => {
    await expect(openEvents('unix:///tmp/x.sock', { transports: [socketTransportLike] })).rejects.toMatchObject({
      code: 'UNIMPLEMENTED',
      message: 'unix: transports do not carry events',
    });
  });
});
