import { describe, expect, it } from 'vitest';
import { ChannelListeners, type Logger } from '../src/index.js';

function broker() {
  const calls: string[] = [];
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => (release = r));
  return {
    calls,
    release,
    subscribe: async (c: string) => {
      calls.push(`sub ${c}`);
      await gate;
    },
    unsubscribe: async (c: string) => void calls.push(`unsub ${c}`),
  };
}

const logged: unknown[][] = [];
const logger: Logger = { warn() {}, error: (...a: unknown[]) => void logged.push(a) };

describe('channel listeners', () => {
  it('subscribes once per channel; every subscriber waits for that SUBSCRIBE', async () => {
    const b = broker();
    const ls = new ChannelListeners(b, logger);
    let ready = 0;
    const counted = (stop: () => Promise<void>) => {
      ready++;
      return stop;
    };
    const first = ls.add('news', () => {}).then(counted);
    const second = ls.add('news', () => {}).then(counted);
    // Every promise chain that waits on nothing runs before the loop's check phase: after it, an
    // add() that did not wait for the SUBSCRIBE would have resolved.
    await new Promise((r) => setImmediate(r));
    expect(ready).toBe(0); // the broker has not confirmed
    b.release();
    const [s1, s2] = await Promise.all([first, second]);
    expect(b.calls).toEqual(['sub news']);
    await s1();
    expect(b.calls).toEqual(['sub news']); // one subscriber is left
    await s2();
    expect(b.calls).toEqual(['sub news', 'unsub news']);
  });

  it('each subscription hears each event once, even with the same function twice; a throwing one is logged', async () => {
    const b = broker();
    b.release();
    const ls = new ChannelListeners(b, logger);
    const heard: string[] = [];
    const f = (p: string): void => void heard.push(p);
    const stop = await ls.add('c', f);
    await ls.add('c', f);
    await ls.add('c', () => {
      throw new Error('boom');
    });
    await ls.add('other', () => heard.push('wrong channel'));
    ls.hear('c', 'x');
    expect(heard).toEqual(['x', 'x']);
    expect(logged.at(-1)?.[0]).toBe('an event listener of c failed');
    await stop();
    ls.hear('c', 'y');
    expect(heard).toEqual(['x', 'x', 'y']);
    ls.clear();
    ls.hear('c', 'z');
    expect(heard).toEqual(['x', 'x', 'y']);
  });
});
