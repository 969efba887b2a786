/**
 * Core's side of the message seam, with deliveries made by hand: what core
 * owns for every message medium — per-caller sessions, cancels that
 * overtake their request, callers that leave, queue-time aging,
 * backpressure, credit for stream items, and one ending per delivery.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { Engine } from '../src/server/engine.js';
import { MessageIntake } from '../src/server/message-intake.js';
import { Router } from '../src/server/router.js';
import {
  defineService,
  implement,
  serverStream,
  unary,
  type Answer,
  type Delivery,
  type MessageConnection,
  type MessageHandler,
  type MessageTransport,
  type OutgoingRequest,
  type RequestId,
  type RequestRecord,
} from '../src/index.js';
import { createClient, connect, serve } from '../src/index.js';
import { queueTransport } from './examples/message-transport.js';
import { until } from './shared/until.js';

const Svc = defineService('Svc', {
  wait: unary({ input: z.object({ ms: z.number() }), output: z.string() }),
  deadline: unary({ input: z.object({}), output: z.number() }),
  tick: serverStream({ input: z.object({ n: z.number() }), output: z.number() }),
  peek: unary({ input: z.object({}), output: z.string(), idempotency: 'noSideEffects' }),
  meta: unary({ input: z.object({}), output: z.record(z.string(), z.string()) }),
});

/** The service, counting runs and remembering the signals of calls that ran. */
function service() {
  const state = { runs: 0, aborted: [] as unknown[] };
  const impl = implement(Svc, {
    wait: ({ ms }, ctx) => {
      state.runs++;
      return new Promise((resolve) => {
        const t = setTimeout(() => resolve('waited'), ms);
        ctx.signal.addEventListener('abort', () => {
          clearTimeout(t);
          state.aborted.push((ctx.signal.reason as { code?: string }).code);
          resolve('aborted');
        });
      });
    },
    deadline: (_input, ctx) => ctx.deadline,
    peek: () => 'seen',
    meta: (_input, ctx) => ({ ...ctx.meta }),
    tick: async function* ({ n }) {
      for (let i = 0; i < n; i++) yield i;
    },
  });
  return { state, impl };
}

/** A delivery made by hand, recording what core does with it. */
class Hand implements Delivery {
  readonly peer = { transport: 'hand', address: 'hand' };
  readonly items: Answer[] = [];
  ended: Answer | undefined | 'none' = undefined;
  endings = 0;
  abandoned = false;
  room = true;
  readOnly = false;
  meta: Record<string, string> | undefined;
  timeout: number | undefined;
  maxAnswerBytes: number | undefined;
  constructor(
    readonly caller: string,
    readonly body: string | RequestRecord,
    readonly waitedMs = 0,
    readonly tooLarge?: number,
  ) {}
  item(a: Answer): boolean {
    this.items.push(a);
    return this.room;
  }
  end(a: Answer | undefined): void {
    this.endings++;
    this.ended = a ?? 'none';
  }
  abandon(): void {
    this.endings++;
    this.abandoned = true;
  }
}

function intake() {
  const { state, impl } = service();
  const engine = new Engine({ router: new Router([impl]), middleware: [], logger: { warn() {}, error() {} } });
  const server = new MessageIntake(
    { engine, defaultTimeout: 30_000, maxInFlight: 100, logger: { warn() {}, error() {} } },
    1 << 20,
  );
  return { state, engine, server };
}

const req = (id: number, method: string, params: unknown, extra: object = {}): string =>
  JSON.stringify({ jsonrpc: '2.0', id, method, params, ...extra });

/** Let `n` turns of the event loop pass (with every microtask they bring). */
async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
}

describe('message seam: core owns', () => {
  it('one session per caller: the same id from two callers is two calls', async () => {
    const { server, state } = intake();
    const a = new Hand('alice', req(1, 'wait', { ms: 20 }));
    const b = new Hand('bob', req(1, 'wait', { ms: 20 }));
    server.deliver(a);
    server.deliver(b);
    await until(() => a.endings === 1 && b.endings === 1);
    expect(state.runs).toBe(2);
    expect([(a.ended as Answer).fields?.result, (b.ended as Answer).fields?.result]).toEqual(['waited', 'waited']);
    // The same id again from one caller while it runs, in another request, is refused, as on one connection.
    const c1 = new Hand('alice', req(2, 'wait', { ms: 50 }));
    const c2 = new Hand('alice', req(2, 'wait', { ms: 60 }));
    server.deliver(c1);
    server.deliver(c2);
    expect((c2.ended as Answer).fields?.error?.code).toBe(-32600);
    await until(() => c1.endings === 1);
    expect((c1.ended as Answer).fields?.result).toBe('waited');
    server.close();
  });

  it('a copy of a message whose call still runs (delivered again) ends unanswered: the call runs once and answers once', async () => {
    const { server, state } = intake();
    const first = new Hand('alice', req(3, 'wait', { ms: 30 }));
    const copy = new Hand('alice', req(3, 'wait', { ms: 30 }));
    server.deliver(first);
    server.deliver(copy);
    expect(copy.ended).toBe('none'); // acknowledged to the medium, nothing sent to the caller
    await until(() => first.endings === 1);
    expect((first.ended as Answer).fields?.result).toBe('waited');
    expect(state.runs).toBe(1);
    // Once the call is over, a copy runs again: at least once, as the media say.
    const late = new Hand('alice', req(3, 'wait', { ms: 30 }));
    server.deliver(late);
    await until(() => late.endings === 1);
    expect(state.runs).toBe(2);
    server.close();
  });

  it('a cancel that overtakes its request: the call is answered CANCELLED and never runs', () => {
    const { server, state } = intake();
    server.cancel('alice', 7);
    const d = new Hand('alice', req(7, 'wait', { ms: 10 }));
    server.deliver(d);
    expect(state.runs).toBe(0);
    expect((d.ended as Answer).fields?.error?.data).toMatchObject({ code: 'CANCELLED' });
    // Another caller's call 7 is not affected, nor alice's "7" (a string id).
    const other = new Hand('bob', req(7, 'deadline', {}));
    server.deliver(other);
    expect((other.ended as Answer).fields?.result).toEqual(expect.any(Number));
    server.close();
  });

  it('a cancel of a running call stops it and answers CANCELLED', async () => {
    const { server, state } = intake();
    const d = new Hand('alice', req(1, 'wait', { ms: 10_000 }));
    server.deliver(d);
    server.cancel('alice', 1);
    expect(state.aborted).toEqual(['CANCELLED']);
    expect((d.ended as Answer).fields?.error?.data).toMatchObject({ code: 'CANCELLED' });
    server.close();
  });

  it('a caller that leaves: its calls stop, its deliveries end unanswered, its later messages are dropped', () => {
    const { server, state } = intake();
    const running = new Hand('alice', req(1, 'wait', { ms: 10_000 }));
    server.deliver(running);
    server.left('alice');
    expect(state.aborted).toEqual(['CANCELLED']);
    expect(running.ended).toBe('none');
    const late = new Hand('alice', req(2, 'wait', { ms: 1 }));
    server.deliver(late);
    expect(late.ended).toBe('none');
    expect(state.runs).toBe(1);
    expect([running.endings, late.endings]).toEqual([1, 1]);
    server.close();
  });

  it('the time a message waited comes off its timeout: late ones are answered DEADLINE_EXCEEDED unrun', () => {
    const { server, state } = intake();
    const late = new Hand('alice', req(1, 'wait', { ms: 1 }, { timeout: 100 }), 150);
    server.deliver(late);
    expect(state.runs).toBe(0);
    expect((late.ended as Answer).fields?.error?.data).toMatchObject({ code: 'DEADLINE_EXCEEDED' });
    const before = Date.now();
    const inTime = new Hand('alice', req(2, 'deadline', {}, { timeout: 1000 }), 400);
    server.deliver(inTime);
    const deadline = (inTime.ended as Answer).fields?.result as number;
    expect(deadline - before).toBeGreaterThanOrEqual(590);
    expect(deadline - before).toBeLessThanOrEqual(620);
    // Each answer says until when its caller waits for it (no `timeout`: never).
    expect((inTime.ended as Answer).deadline).toBe(deadline);
    const open = new Hand('alice', req(3, 'deadline', {}));
    server.deliver(open);
    expect((open.ended as Answer).deadline).toBe(Infinity);
    server.close();
  });

  it('a request read from a record is checked as a frame is', () => {
    const { server } = intake();
    const ok = new Hand('alice', { id: 'k1', method: 'deadline', params: {} });
    server.deliver(ok);
    expect((ok.ended as Answer).fields).toMatchObject({ id: 'k1', result: expect.any(Number) });
    const noMethod = new Hand('alice', { id: 'k2', params: [] });
    server.deliver(noMethod);
    expect((noMethod.ended as Answer).fields).toMatchObject({ id: 'k2', error: { code: -32600 } });
    const badParams = new Hand('alice', { id: 'k3', method: 'wait', params: ['x'] });
    server.deliver(badParams);
    expect((badParams.ended as Answer).fields).toMatchObject({ id: 'k3', error: { code: -32602 } });
    const tooBig = new Hand('alice', { id: 'k4' }, 0, 5_000_000);
    server.deliver(tooBig);
    expect((tooBig.ended as Answer).fields).toMatchObject({ id: 'k4', error: { data: { code: 'RESOURCE_EXHAUSTED' } } });
    server.close();
  });

  it('metadata and a timeout carried beside the message (HTTP headers) apply to each request in it', () => {
    const { server } = intake();
    const beside = (body: string | RequestRecord, meta?: Record<string, string>, timeout?: number): Hand => {
      const h = new Hand('headers', body);
      h.meta = meta;
      h.timeout = timeout;
      server.deliver(h);
      return h;
    };
    // The request's own keys win; the medium's fill in.
    const meta = beside(req(1, 'meta', {}, { meta: { 'x-a': 'own' } }), { 'x-a': 'header', 'x-b': 'header' });
    expect((meta.ended as Answer).fields?.result).toEqual({ 'x-a': 'own', 'x-b': 'header' });
    const plain = beside(req(2, 'meta', {}), { 'x-b': 'header' }); // the fast path (no meta member) too
    expect((plain.ended as Answer).fields?.result).toEqual({ 'x-b': 'header' });
    // The earlier of the two timeouts holds.
    const now = Date.now();
    const header = (beside(req(3, 'deadline', {}, { timeout: 60_000 }), undefined, 1000).ended as Answer).fields?.result;
    expect(header as number).toBeLessThanOrEqual(now + 1000 + 50);
    const own = (beside(req(4, 'deadline', {}, { timeout: 500 }), undefined, 60_000).ended as Answer).fields?.result;
    expect(own as number).toBeLessThanOrEqual(now + 500 + 50);
    const only = (beside({ id: 5, method: 'deadline', params: {} }, undefined, 2000).ended as Answer).fields?.result;
    expect(only as number).toBeGreaterThan(now + 1000);
    expect(only as number).toBeLessThanOrEqual(now + 2000 + 50);
    // More metadata than allowed is refused, call by call, and nothing runs.
    const big = beside(req(6, 'meta', {}), { 'x-big': 'y'.repeat(9000) });
    expect((big.ended as Answer).fields).toMatchObject({ id: 6, error: { data: { code: 'RESOURCE_EXHAUSTED' } } });
    server.close();
  });

  it('a read-only delivery (HTTP GET) runs only methods marked noSideEffects', () => {
    const { server, state } = intake();
    const read = (body: string | RequestRecord): Hand => {
      const h = new Hand('reader', body);
      h.readOnly = true;
      server.deliver(h);
      return h;
    };
    expect((read({ id: 1, method: 'peek', params: {} }).ended as Answer).fields).toMatchObject({ result: 'seen' });
    expect((read(req(2, 'Svc.peek', {})).ended as Answer).fields).toMatchObject({ result: 'seen' });
    const refused = (read({ id: 3, method: 'wait', params: { ms: 1 } }).ended as Answer).fields;
    expect(refused).toMatchObject({ id: 3, error: { data: { code: 'FAILED_PRECONDITION' } } });
    expect(refused?.error?.message).toMatch(/Svc\.wait is not marked idempotency: 'noSideEffects'.*call it by POST/);
    expect((read(req(4, 'wait', { ms: 1 })).ended as Answer).fields).toMatchObject({
      error: { data: { code: 'FAILED_PRECONDITION' } },
    });
    expect(state.runs).toBe(0);
    expect((read({ id: 5, method: 'rpc.discover' }).ended as Answer).fields).toMatchObject({
      result: { openrpc: expect.any(String) },
    });
    server.close();
  });

  it('refuse answers every call of a message with the error, running none', () => {
    const { server, state } = intake();
    const batch = new Hand(
      'alice',
      `[${req(1, 'wait', { ms: 1 })},${JSON.stringify({ jsonrpc: '2.0', method: 'wait', params: { ms: 1 } })},${req(2, 'deadline', {})}]`,
    );
    server.refuse(batch, new Error('not again'));
    expect(state.runs).toBe(0);
    const answers = JSON.parse((batch.ended as Answer).text) as { id: number; error: { message: string } }[];
    expect(answers.map((a) => [a.id, a.error.message])).toEqual([
      [1, 'not again'],
      [2, 'not again'],
    ]);
    const single = new Hand('bob', { id: 'k', method: 'wait', params: { ms: 1 } });
    server.refuse(single, new Error('not again'));
    expect((single.ended as Answer).fields).toMatchObject({ id: 'k', error: { data: { code: 'UNAVAILABLE' } } });
    server.close();
  });

  it("an answer above the medium's own limit for the delivery (maxAnswerBytes) becomes RESOURCE_EXHAUSTED", async () => {
    const { server } = intake();
    const small = new Hand('alice', req(1, 'peek', {}));
    small.maxAnswerBytes = 40; // `{"jsonrpc":"2.0","id":1,"result":"seen"}` is 40 bytes
    server.deliver(small);
    await until(() => small.endings === 1);
    expect((small.ended as Answer).fields?.result).toBe('seen');
    const big = new Hand('alice', req(2, 'peek', {}));
    big.maxAnswerBytes = 39;
    server.deliver(big);
    await until(() => big.endings === 1);
    expect((big.ended as Answer).fields?.error).toMatchObject({ data: { code: 'RESOURCE_EXHAUSTED' } });
    server.close();
  });

  it('stream items wait while the medium is behind, and go on when it drains', async () => {
    const { server } = intake();
    const d = new Hand('alice', req(1, 'tick', { n: 5 }));
    d.room = false;
    server.deliver(d);
    await until(() => d.items.length === 1);
    await turns(3); // an unblocked stream would have sent every item by now
    expect(d.items).toHaveLength(1); // waiting for the drain
    d.room = true;
    server.drain('alice');
    await until(() => d.endings === 1);
    expect(d.items.map((a) => a.fields?.item)).toEqual([0, 1, 2, 3, 4]);
    expect((d.ended as Answer).fields?.result).toBeNull();
    server.close();
  });

  it('abandons what is still running when the server closes, and ends each delivery once', async () => {
    const { server, state } = intake();
    const running = new Hand('alice', req(1, 'wait', { ms: 10_000 }));
    const batch = new Hand(
      'bob',
      JSON.stringify([JSON.parse(req(1, 'wait', { ms: 10_000 })), JSON.parse(req(2, 'deadline', {}))]),
    );
    server.deliver(running);
    server.deliver(batch);
    server.close();
    expect([running.abandoned, batch.abandoned]).toEqual([true, true]);
    expect(state.aborted).toEqual(['CANCELLED', 'CANCELLED']);
    await turns(3); // the stopped calls have settled by now
    expect([running.endings, batch.endings]).toEqual([1, 1]);
    const after = new Hand('carol', req(1, 'deadline', {}));
    server.deliver(after);
    expect(after.abandoned).toBe(true);
  });
});

describe('message seam: through serve() and a medium', () => {
  it('every delivery ends exactly once, and the listener waits for them on close', async () => {
    const medium = queueTransport();
    const { impl } = service();
    const server = await serve(impl, { listen: ['queue://once'], transports: [medium], logger: { warn() {}, error() {} } });
    const svc = createClient(Svc, await connect('queue://once', { transports: [medium] }));
    const calls = Array.from({ length: 50 }, (_, i) => svc.wait({ ms: i % 5 }));
    expect(await Promise.all(calls)).toEqual(Array(50).fill('waited'));
    const long = svc.wait({ ms: 10_000 }).catch((e: { code: string }) => e.code);
    await until(() => medium.open.size === 1);
    await server.close({ graceMs: 10 });
    expect(medium.open.size).toBe(0);
    expect(medium.endings.filter((e) => e === 'end')).toHaveLength(50);
    expect(medium.endings.filter((e) => e === 'abandon')).toHaveLength(1);
    void long;
  });
});

describe('message seam: what core forgets', () => {
  afterEach(() => void vi.useRealTimers());

  it('a cancel is remembered for a minute, then forgotten (as are callers with nothing going on)', () => {
    vi.useFakeTimers();
    const { server, state } = intake();
    server.cancel('alice', 7);
    server.cancel('alice', 8);
    const early = new Hand('alice', req(7, 'deadline', {}));
    server.deliver(early);
    expect((early.ended as Answer).fields?.error?.data).toMatchObject({ code: 'CANCELLED' });
    vi.advanceTimersByTime(2 * 60_000);
    const late = new Hand('alice', req(8, 'wait', { ms: 0 }));
    server.deliver(late); // remembered no longer: it runs
    expect(state.runs).toBe(1);
    server.close();
  });
});

/** A client connection made by hand: what core sent, and how it asked to pass on credit (when it may). */
/** A medium by hand: `credit` carries grants to the server, `taken` only tells the medium (HTTP), `none` neither. */
function handMedium(pacing: 'credit' | 'taken' | 'none') {
  const sent: OutgoingRequest[] = [];
  const grants: [RequestId, number][] = [];
  let handler: MessageHandler | undefined;
  const transport: MessageTransport = {
    kind: 'messages',
    schemes: ['hand'],
    maxFrameBytes: 1 << 20,
    async connect(_url, h) {
      handler = h;
      const conn: MessageConnection = {
        send: (r) => void sent.push(r),
        cancel() {},
        close() {},
        maxFrameBytes: 1 << 20,
        peer: { transport: 'hand', address: 'hand' },
      };
      const told = (id: RequestId, n: number): void => void grants.push([id, n]);
      return pacing === 'none' ? conn : { ...conn, [pacing]: told };
    },
    listen: () => Promise.reject(new Error('a client only')),
  };
  const answer = (text: string): void => handler?.response(text);
  return { transport, sent, grants, answer };
}

describe('message seam: credit for stream items', () => {
  it('a stream that asked for credit sends that many items ahead, and goes on as the medium passes on more', async () => {
    const { server } = intake();
    const d = new Hand('alice', req(1, 'tick', { n: 10 }, { credit: 3 }));
    server.deliver(d);
    await until(() => d.items.length === 3);
    await turns(3); // a stream that ignored credit would have sent all ten by now
    expect(d.items).toHaveLength(3);
    server.credit('bob', 1, 5); // another caller's call 1: not this one
    server.credit('alice', 2, 5); // no such call
    await turns(3);
    expect(d.items).toHaveLength(3);
    server.credit('alice', 1, 5);
    await until(() => d.items.length === 8);
    await turns(3);
    expect(d.items).toHaveLength(8);
    server.credit('alice', 1, 100);
    await until(() => d.endings === 1);
    expect(d.items.map((a) => a.fields?.item)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    server.close();
  });

  it('the client asks for credit only where the medium can pass it on, and grants as its caller takes items', async () => {
    for (const pacing of ['credit', 'taken', 'none'] as const) {
      const medium = handMedium(pacing);
      const svc = createClient(Svc, await connect('hand://x', { transports: [medium.transport] }));
      const it = svc.tick({ n: 100 })[Symbol.asyncIterator]();
      const first = it.next();
      await until(() => medium.sent.length === 1);
      const request = medium.sent[0] as OutgoingRequest;
      const id = request.ids[0];
      expect(JSON.parse(request.text).credit).toBe(pacing === 'credit' ? 64 : undefined);
      for (let i = 0; i < 64; i++) medium.answer(JSON.stringify({ jsonrpc: '2.0', id, item: i }));
      await first;
      for (let i = 1; i < 40; i++) await it.next();
      // A medium that paces its own reading (taken) hears as a crediting one does, and asked for no credit.
      expect(medium.grants).toEqual(pacing === 'none' ? [] : [[id, 32]]);
      await it.return?.();
    }
  });
});
