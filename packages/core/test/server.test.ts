import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import {
  connect,
  createClient,
  defineService,
  implement,
  memoryTransport,
  rawCall,
  serve,
  unary,
  type FrameTransport,
} from '../src/index.js';
import { Calculator, handlers, world } from './fixtures.js';
import { waitFor } from '../src/conformance/testing.js';

/** A connection that sends frames as given and collects the server's into `frames`. */
function rawConnection(w: Awaited<ReturnType<typeof world>>, frames: string[]) {
  return (w.transports[0] as FrameTransport).connect(new URL(w.url), {
    frame: (f) => frames.push(f),
    oversized: () => {},
    drain: () => {},
    closed: () => {},
  });
}

describe('implement', () => {
  it('names a missing or extra handler', () => {
    const { add: _add, ...rest } = handlers();
    expect(() => implement(Calculator, rest as never)).toThrow(/Calculator.add has no handler/);
    expect(() => implement(Calculator, { ...handlers(), extra: () => 1 } as never)).toThrow(/no method extra/);
  });
});

describe('method names', () => {
  it('accept a short name only while it is unambiguous', async () => {
    const Other = defineService('Other', { add: unary({ input: z.object({}), output: z.string() }) });
    const transports = [memoryTransport()];
    const server = await serve([implement(Calculator, handlers()), implement(Other, { add: () => 'other' })], {
      listen: ['memory://names'],
      transports,
    });
    const channel = await connect('memory://names', { transports });
    await expect(rawCall(channel, 'add', [1, 2])).rejects.toMatchObject({
      code: 'UNIMPLEMENTED',
      message: 'method add is ambiguous: use one of Calculator.add, Other.add',
    });
    expect(await rawCall(channel, 'Calculator.add', [1, 2])).toBe(3);
    expect(await rawCall(channel, 'Other.add', {})).toBe('other');
    expect(await rawCall(channel, 'divide', [1, 4])).toBe(0.25); // still unique
    await channel.close();
    await server.close();
  });

  it('accept any last parts of a qualified name while they are unambiguous (a tRPC path, a package left out)', async () => {
    const empty = z.object({});
    const Todo = defineService('trpc.todo', { add: unary({ input: empty, output: z.string() }) });
    const Lists = defineService('trpc.lists.todo', { add: unary({ input: empty, output: z.string() }) });
    const V1 = defineService('calc.v1.Calculator', { add: unary({ input: empty, output: z.string() }) });
    const transports = [memoryTransport()];
    const server = await serve(
      [implement(Todo, { add: () => 'todo' }), implement(Lists, { add: () => 'lists' }), implement(V1, { add: () => 'v1' })],
      { listen: ['memory://tails'], transports },
    );
    const channel = await connect('memory://tails', { transports });
    try {
      expect(await rawCall(channel, 'trpc.todo.add', {})).toBe('todo');
      expect(await rawCall(channel, 'lists.todo.add', {})).toBe('lists');
      expect(await rawCall(channel, 'Calculator.add', {})).toBe('v1');
      expect(await rawCall(channel, 'v1.Calculator.add', {})).toBe('v1');
      await expect(rawCall(channel, 'todo.add', {})).rejects.toMatchObject({
        code: 'UNIMPLEMENTED',
        message: 'method todo.add is ambiguous: use one of trpc.todo.add, trpc.lists.todo.add',
      });
      // Parts, not characters: `odo.add` is no name of anything.
      await expect(rawCall(channel, 'odo.add', {})).rejects.toMatchObject({
        code: 'UNIMPLEMENTED',
        message: 'method not found: odo.add',
      });
    } finally {
      await channel.close();
      await server.close();
    }
  });

  it('refuse serving one method twice', async () => {
    await expect(
      serve([implement(Calculator, handlers()), implement(Calculator, handlers())], {
        listen: ['memory://twice'],
        transports: [memoryTransport()],
      }),
    ).rejects.toThrow(/Calculator.add is served twice/);
  });
});

describe('limits', () => {
  it('refuses calls beyond maxInFlight with RESOURCE_EXHAUSTED and serves the rest', async () => {
    const w = await world({ serve: { maxInFlight: 3 } });
    try {
      const calls = Array.from({ length: 5 }, () => w.calc.wait({ ms: 50 }).then(String, (e: { code: string }) => e.code));
      expect((await Promise.all(calls)).sort()).toEqual([
        'RESOURCE_EXHAUSTED',
        'RESOURCE_EXHAUSTED',
        'waited',
        'waited',
        'waited',
      ]);
      expect(await w.calc.add({ a: 1, b: 1 })).toBe(2);
    } finally {
      await w.close();
    }
  });

  it('gives calls without a deadline the server default', async () => {
    const w = await world({ serve: { defaultTimeout: 50 } });
    try {
      const started = Date.now();
      await expect(rawCall(w.channel, 'wait', { ms: 5000 }, { timeout: Infinity })).rejects.toMatchObject({
        code: 'DEADLINE_EXCEEDED',
      });
      expect(Date.now() - started).toBeLessThan(3000); // the server's 50 ms, not the handler's 5 s (room for a loaded machine)
    } finally {
      await w.close();
    }
  });

  it('never starts a call whose deadline has already passed', async () => {
    let ran = false;
    const w = await world({
      handlers: {
        ...handlers(),
        add: () => {
          ran = true;
          return 0;
        },
      },
    });
    try {
      const frames: string[] = [];
      const raw = await rawConnection(w, frames);
      raw.send('{"jsonrpc":"2.0","id":1,"method":"add","params":[1,2],"timeout":0}');
      await waitFor(() => frames.length > 0);
      expect(JSON.parse(frames[0] as string)).toMatchObject({ id: 1, error: { data: { code: 'DEADLINE_EXCEEDED' } } });
      expect(ran).toBe(false);
      raw.close();
    } finally {
      await w.close();
    }
  });
});

describe('the fast path for requests', () => {
  it('answers as the full parse does', async () => {
    // Each request twice: as encodeRequest writes it (read by the fast path),
    // and with a space after the brace (read by JSON.parse).
    const requests = [
      '{"jsonrpc":"2.0","id":1,"method":"add","params":[1,2],"timeout":5000}',
      '{"jsonrpc":"2.0","id":1,"method":"add","params":{"a":1,"b":"x"}}',
      '{"jsonrpc":"2.0","id":1,"method":"add","params":5}',
      '{"jsonrpc":"2.0","id":1,"method":"add","params":null}',
      '{"jsonrpc":"2.0","id":1,"method":"nope","params":[]}',
      '{"jsonrpc":"2.0","id":1,"method":"rpc.cancel","params":{"id":9}}',
      '{"jsonrpc":"2.0","id":1,"method":"add","params":[1,2],"timeout":0}',
    ];
    const w = await world();
    try {
      const frames: string[] = [];
      const raw = await rawConnection(w, frames);
      const answer = async (request: string): Promise<unknown> => {
        frames.length = 0;
        raw.send(request);
        for (let i = 0; i < 100 && frames.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
        return frames.length === 0 ? 'no answer' : JSON.parse(frames[0] as string);
      };
      for (const request of requests) {
        const fast = await answer(request);
        expect(fast, request).toEqual(await answer(request.replace('{', '{ ')));
      }
      expect(await answer(requests[0] as string)).toMatchObject({ id: 1, result: 3 });
      raw.close();
    } finally {
      await w.close();
    }
  });
});

describe('cancellation inside a batch', () => {
  it('still answers the batch, with CANCELLED for the cancelled call', async () => {
    const w = await world();
    try {
      const frames: string[] = [];
      const raw = await rawConnection(w, frames);
      raw.send(
        JSON.stringify([
          { jsonrpc: '2.0', id: 1, method: 'wait', params: { ms: 10_000 } },
          { jsonrpc: '2.0', id: 2, method: 'add', params: [1, 2] },
        ]),
      );
      await new Promise((r) => setTimeout(r, 20));
      raw.send('{"jsonrpc":"2.0","method":"rpc.cancel","params":{"id":1}}');
      await waitFor(() => frames.length > 0);
      const batch = JSON.parse(frames[0] as string) as { id: number }[];
      expect(batch.sort((a, b) => a.id - b.id)).toMatchObject([
        { id: 1, error: { data: { code: 'CANCELLED' } } },
        { id: 2, result: 3 },
      ]);
      raw.close();
    } finally {
      await w.close();
    }
  });
});

describe('close', () => {
  /** A world whose `wait` handler records each call it starts. */
  const watchedWorld = async () => {
    const begun: number[] = [];
    const base = handlers();
    const w = await world({
      handlers: {
        ...base,
        wait: (input, ctx) => {
          begun.push(input.ms);
          return base.wait(input, ctx);
        },
      },
    });
    return { w, begun };
  };

  it('lets calls in flight finish within the grace period and refuses new ones', async () => {
    const { w, begun } = await watchedWorld();
    const inFlight = w.calc.wait({ ms: 100 });
    await waitFor(() => begun.length === 1); // in the handler's hands, not on its way
    const closing = w.server.close({ graceMs: 2000 });
    await expect(w.calc.add({ a: 1, b: 1 })).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(await inFlight).toBe('waited');
    await closing;
    await w.channel.close();
  });

  it('aborts calls still running when the grace period ends', async () => {
    const { w, begun } = await watchedWorld();
    const inFlight = w.calc.wait({ ms: 10_000 });
    await waitFor(() => begun.length === 1);
    const started = Date.now();
    await w.server.close({ graceMs: 50 });
    expect(Date.now() - started).toBeLessThan(5000); // the 50 ms grace, not the handler's 10 s (room for a loaded machine)
    await expect(inFlight).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    await w.channel.close();
  });
});

describe('handler results', () => {
  it('refuse a result JSON cannot carry, and keep serving', async () => {
    const Odd = defineService('Odd', { big: unary({ input: z.object({}), output: z.bigint() }) });
    const transports = [memoryTransport()];
    const server = await serve(implement(Odd, { big: () => 1n }), {
      listen: ['memory://odd'],
      transports,
      logger: { warn: () => {}, error: () => {} },
    });
    const odd = createClient(Odd, await connect('memory://odd', { transports }));
    await expect(odd.big({})).rejects.toMatchObject({ code: 'INTERNAL' });
    await expect(odd.big({})).rejects.toMatchObject({ code: 'INTERNAL' });
    await server.close();
  });
});
