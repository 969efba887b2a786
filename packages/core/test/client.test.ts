import { describe, expect, it } from 'vitest';
import { connect, createClient, implement, memoryTransport, serve } from '../src/index.js';
import { waitFor } from '../src/conformance/testing.js';
import { AliceBroke, Calculator, handlers, world } from './fixtures.js';

describe('the typed client', () => {
  it('calls, streams and notifies', async () => {
    const notes: string[] = [];
    const { handlers } = await import('./fixtures.js');
    const w = await world({ handlers: handlers(notes) });
    try {
      expect(await w.calc.add({ a: 2, b: 5 })).toBe(7);
      expect(await w.calc.square(3)).toBe(9);
      const items: number[] = [];
      for await (const i of w.calc.countdown({ from: 3 })) items.push(i);
      expect(items).toEqual([3, 2, 1, 0]);
      await w.calc.note({ text: 'hello' });
      await waitFor(() => notes.length > 0); // a notification has no answer to wait for
      expect(notes).toEqual(['hello']);
      await expect(w.calc.divide({ a: 1, b: 0 })).rejects.toBeInstanceOf(AliceBroke);
    } finally {
      await w.close();
    }
  });

  it('validates input before sending', async () => {
    const w = await world();
    try {
      await expect(w.calc.add({ a: 'x' } as never)).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
        message: /^invalid input: a: /,
      });
    } finally {
      await w.close();
    }
  });

  it('applies the client default timeout, and a call may override it', async () => {
    const w = await world({ client: { timeout: 30 } });
    try {
      await expect(w.calc.wait({ ms: 1000 })).rejects.toMatchObject({ code: 'DEADLINE_EXCEEDED' });
      expect(await w.calc.wait({ ms: 60 }, { timeout: 2000 })).toBe('waited');
    } finally {
      await w.close();
    }
  });

  it('takes an absolute deadline beside the timeout: the earlier wins, and a deadline alone replaces the default', async () => {
    const w = await world({ client: { timeout: 30 } });
    try {
      // A deadline alone: the client's 30 ms default does not apply.
      expect(await w.calc.wait({ ms: 60 }, { deadline: new Date(Date.now() + 2000) })).toBe('waited');
      expect(await w.calc.wait({ ms: 60 }, { deadline: Date.now() + 2000 })).toBe('waited');
      // Both: the earlier of the two, whichever it is.
      await expect(w.calc.wait({ ms: 1000 }, { deadline: Date.now() + 50, timeout: 5000 })).rejects.toMatchObject({
        code: 'DEADLINE_EXCEEDED',
      });
      await expect(w.calc.wait({ ms: 1000 }, { deadline: Date.now() + 5000, timeout: 50 })).rejects.toMatchObject({
        code: 'DEADLINE_EXCEEDED',
      });
      await expect(w.calc.add({ a: 1, b: 1 }, { deadline: new Date('not a date') })).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
        message: 'the deadline option is not a time',
      });
    } finally {
      await w.close();
    }
  });

  it('connects lazily: a client made before its server fails fast without waitForReady, and waits with it', async () => {
    const transports = [memoryTransport()];
    const url = `memory://lazy-${process.pid}`;
    await expect(connect(url, { transports })).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    const channel = await connect(url, { transports, lazy: true });
    const calc = createClient(Calculator, channel);
    await expect(calc.add({ a: 1, b: 1 })).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    const pending = calc.add({ a: 2, b: 5 }, { waitForReady: true, timeout: 5000 });
    const server = await serve(implement(Calculator, handlers()), { listen: [url], transports });
    try {
      expect(await pending).toBe(7);
      expect(await calc.add({ a: 1, b: 1 })).toBe(2);
    } finally {
      await channel.close();
      await server.close();
    }
  });

  it('fails pending calls with CANCELLED when the channel closes, and refuses new ones', async () => {
    const w = await world();
    const pending = w.calc.wait({ ms: 1000 });
    await w.channel.close();
    await expect(pending).rejects.toMatchObject({ code: 'CANCELLED' });
    await expect(w.calc.add({ a: 1, b: 1 })).rejects.toMatchObject({ code: 'CANCELLED' });
    await w.server.close();
  });

  it('waits for a server that never comes only until the deadline', async () => {
    const w = await world();
    await w.server.close({ graceMs: 0 });
    const started = Date.now();
    await expect(w.calc.add({ a: 1, b: 1 }, { waitForReady: true, timeout: 200 })).rejects.toMatchObject({
      code: 'DEADLINE_EXCEEDED',
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    await w.channel.close();
  });
});

describe('connect', () => {
  it('says which transports it has when none serves the scheme', async () => {
    await expect(connect('redis://127.0.0.1:6379/calc', { transports: [memoryTransport()] })).rejects.toThrow(
      'no transport for redis: URLs among those given (memory:)',
    );
    await expect(connect('not a url', { transports: [] })).rejects.toThrow(/not an endpoint URL/);
  });

  it('fails with UNAVAILABLE when nobody listens', async () => {
    await expect(connect('memory://nobody', { transports: [memoryTransport()] })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
    });
  });
});
