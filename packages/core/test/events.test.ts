import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { defineEvent, memoryTransport, openEvents, publishEvent, subscribeEvent } from '../src/index.js';
import { socketTransportLike } from './socket-like.js';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('events', () => {
  it('deliver raw payloads on named channels, per bus namespace, until unsubscribed', async () => {
    const transports = [memoryTransport()];
    const a = await openEvents('memory://bus', { transports });
    const b = await openEvents('memory://bus', { transports });
    const other = await openEvents('memory://elsewhere', { transports });
    const got: string[] = [];
    const stop = await b.subscribe('my_channel', (p) => got.push(p));
    await other.subscribe('my_channel', (p) => got.push(`wrong bus: ${p}`));
    await a.publish('my_channel', 'example data');
    await a.publish('other_channel', 'not for us');
    await tick();
    expect(got).toEqual(['example data']);
    await stop();
    await a.publish('my_channel', 'after');
    await tick();
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
    await tick();
    expect(seen).toEqual(['hello']);
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
