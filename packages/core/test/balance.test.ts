// One channel over several servers (memory transport): how calls are spread, `rpc.health` as
// every server answers it, servers leaving the rotation when they stop serving and coming back.
import { afterEach, describe, expect, it } from 'vitest';
import {
  BalancedChannel,
  type Channel,
  type ChannelCall,
  checkHealth,
  connect,
  createClient,
  HEALTH_METHOD,
  memoryTransport,
  type Middleware,
  RpcError,
  rawCall,
  type Server,
  serve,
} from '../src/index.js';
import { Calculator, calculator } from '../src/conformance/calculator.js';
import { waitFor } from '../src/conformance/testing.js';

const transports = [memoryTransport()];
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});
let n = 0;
const quiet = { warn: () => {}, error: () => {} };

/** Server middleware that says in the response metadata which server answered. */
const answeredBy =
  (name: string): Middleware =>
  (call, next) => {
    call.responseMeta.server = name;
    return next();
  };

async function start(url: string, name: string): Promise<Server> {
  const server = await serve(calculator(), { listen: [url], transports, middleware: [answeredBy(name)], logger: quiet });
  closers.push(() => server.close({ graceMs: 0 }));
  return server;
}

/** `count` calls of `add`, one after another: who answered each. */
async function whoAnswers(channel: Channel, count: number): Promise<string[]> {
  const calc = createClient(Calculator, channel);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let by = '?';
    expect(await calc.add({ a: i, b: 1 }, { onResponseMeta: (m) => (by = m.server ?? '?') })).toBe(i + 1);
    out.push(by);
  }
  return out;
}

function urls(): [string, string, string] {
  const k = n++;
  return [`memory://bal-${k}-a`, `memory://bal-${k}-b`, `memory://bal-${k}-c`];
}

describe('rpc.health', () => {
  it('answers SERVING for the server and each service it serves, NOT_FOUND for others, on every JSON transport', async () => {
    const [a] = urls();
    await start(a, 'a');
    const channel = await connect(a, { transports });
    closers.push(() => channel.close());
    expect(await rawCall(channel, HEALTH_METHOD, {})).toEqual({ status: 'SERVING' });
    expect(await rawCall(channel, HEALTH_METHOD, [])).toEqual({ status: 'SERVING' });
    expect(await rawCall(channel, HEALTH_METHOD, { service: 'Calculator' })).toEqual({ status: 'SERVING' });
    expect(await rawCall(channel, HEALTH_METHOD, ['Calculator'])).toEqual({ status: 'SERVING' });
    await expect(rawCall(channel, HEALTH_METHOD, { service: 'Nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(rawCall(channel, HEALTH_METHOD, { service: 7 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(await whoAnswers(channel, 1)).toEqual(['a']); // and the server still serves
  });

  it('answers NOT_SERVING while the server closes, to a caller still connected', async () => {
    const [a] = urls();
    const server = await start(a, 'a');
    const channel = await connect(a, { transports });
    closers.push(() => channel.close());
    const calc = createClient(Calculator, channel);
    const slow = calc.wait({ ms: 300 });
    await waitFor(async () => (await rawCall(channel, HEALTH_METHOD, {}).catch(() => undefined)) !== undefined);
    const closing = server.close({ graceMs: 5000 });
    expect(await rawCall(channel, HEALTH_METHOD, {})).toEqual({ status: 'NOT_SERVING' });
    expect(await slow).toBe('waited');
    await closing;
  });
});

describe('checkHealth', () => {
  const fake = (unary: (call: ChannelCall) => Promise<unknown>, health?: Channel['health']): Channel => ({
    unary,
    stream: () => ({ [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new Error('unused')) }) }),
    notify: async () => {},
    close: async () => {},
    ...(health === undefined ? {} : { health }),
  });
  const check = { service: '', deadline: Date.now() + 1000 };

  it('counts a server that does not know rpc.health (UNIMPLEMENTED) as serving, as gRPC clients do', async () => {
    const asked: string[] = [];
    const channel = fake((call) => {
      asked.push(call.method);
      return Promise.reject(new RpcError('UNIMPLEMENTED', 'method not found: rpc.health'));
    });
    expect(await checkHealth(channel, check)).toEqual({ status: 'SERVING' });
    expect(asked).toEqual(['rpc.health']);
  });

  it('counts no answer, an unknown service and a malformed answer as not serving, with the reason', async () => {
    const down = await checkHealth(
      fake(() => Promise.reject(new RpcError('UNAVAILABLE', 'refused'))),
      check,
    );
    expect(down).toMatchObject({ status: 'NOT_SERVING', why: { code: 'UNAVAILABLE', message: 'refused' } });
    const odd = await checkHealth(
      fake(async () => ({ status: 'FINE' })),
      check,
    );
    expect(odd).toMatchObject({ status: 'NOT_SERVING', why: { code: 'INTERNAL' } });
  });

  it("uses the channel's own health protocol when it has one", async () => {
    const channel = fake(
      () => Promise.reject(new Error('not asked by method')),
      async (c) => (c.service === 'x' ? 'NOT_SERVING' : 'SERVING'),
    );
    expect(await checkHealth(channel, check)).toEqual({ status: 'SERVING' });
    expect(await checkHealth(channel, { ...check, service: 'x' })).toMatchObject({ status: 'NOT_SERVING' });
  });
});

describe('balance', () => {
  it("'round-robin' sends each call to the next server", async () => {
    const [a, b, c] = urls();
    await Promise.all([start(a, 'a'), start(b, 'b'), start(c, 'c')]);
    const channel = await connect([a, b, c], { transports, balance: 'round-robin' });
    closers.push(() => channel.close());
    await waitFor(() => (channel as BalancedChannel).endpoints.every((e) => e.state === 'ready'));
    const by = await whoAnswers(channel, 9);
    expect(by.join('')).toMatch(/^(abc){3}$|^(bca){3}$|^(cab){3}$/);
  });

  it("'pick-first' (the default) sends every call to the first server that serves", async () => {
    const [a, b] = urls();
    await Promise.all([start(a, 'a'), start(b, 'b')]);
    const channel = await connect([a, b], { transports });
    closers.push(() => channel.close());
    await waitFor(() => (channel as BalancedChannel).endpoints.every((e) => e.state === 'ready'));
    expect(await whoAnswers(channel, 5)).toEqual(['a', 'a', 'a', 'a', 'a']);
  });

  it("'pick-first' waits for the first server's answer before taking the second, which answered sooner", async () => {
    const served: string[] = [];
    const fake = (name: string, delayMs: number): Channel => ({
      unary: async () => served.push(name),
      stream: () => ({ [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new Error('unused')) }) }),
      notify: async () => {},
      close: async () => {},
      health: () => new Promise((r) => setTimeout(() => r('SERVING'), delayMs)),
    });
    const endpoints = [
      { url: new URL('memory://slow-first'), channel: fake('first', 200) },
      { url: new URL('memory://quick-second'), channel: fake('second', 0) },
    ];
    for (const [policy, expected] of [
      ['pick-first', 'first'],
      ['round-robin', 'second'],
    ] as const) {
      const channel = new BalancedChannel(endpoints, policy, {});
      closers.push(() => channel.close());
      await channel.start(true);
      served.length = 0;
      await channel.unary({} as ChannelCall);
      expect([policy, ...served]).toEqual([policy, expected]);
    }
  });

  it('leaves a server that stops out of the rotation, and takes it back when it serves again', async () => {
    const [a, b] = urls();
    const first = await start(a, 'a');
    await start(b, 'b');
    const channel = await connect([a, b], { transports, balance: 'round-robin', health: { intervalMs: 50 } });
    closers.push(() => channel.close());
    const state = () => (channel as BalancedChannel).endpoints.map((e) => e.state).join(' ');
    await waitFor(() => state() === 'ready ready');
    await first.close();
    await waitFor(() => state() === 'unhealthy ready', { what: 'a out of the rotation' });
    expect(await whoAnswers(channel, 4)).toEqual(['b', 'b', 'b', 'b']);
    await start(a, 'a again');
    await waitFor(() => state() === 'ready ready', { what: 'a back' });
    expect(new Set(await whoAnswers(channel, 4))).toEqual(new Set(['a again', 'b']));
  });

  it('takes a server out at once when a call finds it gone, and a retry goes to another', async () => {
    const [a, b] = urls();
    const first = await start(a, 'a');
    await start(b, 'b');
    // Checks so rare that only the failed call can have noticed.
    const channel = await connect([a, b], { transports, balance: 'round-robin', health: { intervalMs: 60_000 }, retry: {} });
    closers.push(() => channel.close());
    const calc = createClient(Calculator, channel);
    await waitFor(async () => (await whoAnswers(channel, 2)).includes('a') && (await whoAnswers(channel, 2)).includes('b'));
    await first.close();
    const by = await whoAnswers(channel, 6); // every one answered: a call that found a gone is retried on b
    expect(by).toEqual(['b', 'b', 'b', 'b', 'b', 'b']);
    // An unmarked method is not retried, but it too goes only to b now.
    expect(await calc.divide({ a: 6, b: 3 })).toBe(2);
  });

  it('fails at once with UNAVAILABLE, naming each server, when none serves', async () => {
    const [a, b] = urls();
    await expect(connect([a, b], { transports })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringMatching(new RegExp(`${a}.*${b}`)),
    });
    const lazy = await connect([a, b], { transports, lazy: true, health: { intervalMs: 50 } });
    closers.push(() => lazy.close());
    const calc = createClient(Calculator, lazy);
    await waitFor(() => (lazy as BalancedChannel).endpoints.every((e) => e.state === 'unhealthy'));
    await expect(calc.add({ a: 1, b: 2 })).rejects.toMatchObject({ code: 'UNAVAILABLE', message: /no healthy server/ });
    // waitForReady waits for one to come up.
    const waiting = calc.add({ a: 1, b: 2 }, { waitForReady: true, timeout: 10_000 });
    await start(b, 'b');
    expect(await waiting).toBe(3);
  });

  it('refuses an unknown policy or scheme before opening anything', async () => {
    await expect(connect(['memory://x'], { transports, balance: 'random' as 'pick-first' })).rejects.toThrow(TypeError);
    await expect(connect(['memory://x', 'tcp://127.0.0.1:1'], { transports })).rejects.toThrow(/no transport for tcp/);
    await expect(connect([], { transports })).rejects.toThrow(TypeError);
  });
});
