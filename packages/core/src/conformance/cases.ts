/**
 * The conformance cases. Each asserts behaviour a broken transport or core
 * would get wrong, on both sides of the call where the server can be seen.
 */
import { expect } from 'vitest';
import { rawCall } from '../client/client.js';
import { checkHealth } from '../client/health.js';
import { RpcError } from '../error.js';
import type { Fixture } from './fixture.js';
import { NotDeclared, Refused } from './service.js';

export interface Case {
  readonly name: string;
  run(fx: Fixture, maxFrameBytes: number): Promise<void>;
}

async function rejection(p: Promise<unknown>): Promise<RpcError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(RpcError);
    return e as RpcError;
  }
  throw new Error('expected the call to fail');
}

const rpc = (id: number, method: string, params?: unknown): string =>
  JSON.stringify({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) });

export const cases = [
  {
    name: 'unary',
    async run(fx) {
      expect(await fx.client.add({ a: 2, b: 5 })).toBe(7);
      expect(await rawCall(fx.channel, 'add', [2, 5])).toBe(7); // short name, positional
      expect(await rawCall(fx.channel, 'conformance.Conformance.add', { a: 8, b: 5 })).toBe(13);
      // Order matters: positional params map onto the fields in declaration order (a, then b).
      expect(await fx.client.subtract({ a: 2, b: 7 })).toBe(-5);
      expect(await rawCall(fx.channel, 'subtract', [7, 2])).toBe(5);
    },
  },
  {
    name: 'domain-error',
    async run(fx) {
      const e = await rejection(fx.client.fail({ kind: 'domain' }));
      expect(e).toBeInstanceOf(Refused);
      expect(e.code).toBe('FAILED_PRECONDITION');
      expect(e.message).toBe('Yeah, we are only going to add numbers');
      expect(e.details).toEqual({ hint: 'ask nicely' });
      expect((e as Refused).sku).toBe('A-1'); // the class's own field
      const u = await rejection(fx.client.fail({ kind: 'undeclared' }));
      expect(u).not.toBeInstanceOf(NotDeclared);
      expect([u.code, u.name, u.message]).toEqual(['NOT_FOUND', 'NotDeclared', 'nothing here']);
    },
  },
  {
    name: 'invalid-params',
    async run(fx) {
      const e = await rejection(rawCall(fx.channel, 'add', ['bad', 'data']));
      expect(e.code).toBe('INVALID_ARGUMENT');
      const issues = (e.details as { issues: { path: unknown[] }[] }).issues;
      expect(issues.map((i) => i.path)).toEqual([['a'], ['b']]);
      const tooMany = await rejection(rawCall(fx.channel, 'add', [1, 2, 3]));
      expect(tooMany.code).toBe('INVALID_ARGUMENT');
      expect(await fx.client.add({ a: 1, b: 1 })).toBe(2); // still serving
      expect(fx.state.calls).toBe(1); // the invalid calls never reached the handler
    },
  },
  {
    name: 'unknown-method',
    async run(fx) {
      const e = await rejection(rawCall(fx.channel, 'nope', []));
      expect(e.code).toBe('UNIMPLEMENTED');
      const q = await rejection(rawCall(fx.channel, 'conformance.Conformance.nope', {}));
      expect(q.code).toBe('UNIMPLEMENTED');
      expect(await fx.client.add({ a: 1, b: 2 })).toBe(3);
    },
  },
  {
    name: 'internal-error',
    async run(fx) {
      const e = await rejection(fx.client.fail({ kind: 'crash' }));
      expect(e.code).toBe('INTERNAL');
      expect(e.message).toBe('internal error');
      expect(JSON.stringify({ ...e, stack: undefined })).not.toMatch(/secret|handler\.ts|TypeError/);
      const bad = await rejection(fx.client.fail({ kind: 'badOutput' }));
      expect(bad.code).toBe('INTERNAL');
      expect(await fx.client.add({ a: 1, b: 2 })).toBe(3);
    },
  },
  {
    name: 'wire-errors',
    async run(fx) {
      const raw = await fx.raw();
      raw.send(rpc(1, 'conformance.Conformance.nope'));
      expect(await raw.next()).toMatchObject({ id: 1, error: { code: -32601 } });
      raw.send(rpc(2, 'fail', { kind: 'crash' }));
      const text = JSON.stringify(await raw.next());
      expect(text).toContain('"code":-32603');
      expect(text).not.toMatch(/secret|handler\.ts|TypeError|at /);
    },
  },
  {
    name: 'deadline',
    async run(fx) {
      const started = Date.now();
      const e = await rejection(fx.client.sleep({ ms: 5000 }, { timeout: 100 }));
      expect(e.code).toBe('DEADLINE_EXCEEDED');
      // Timing is the feature: the call ends at its 100 ms deadline, not when the 5 s handler would
      // finish. 1.5 s leaves a loaded 2-CPU machine 1.4 s of scheduling delay and still fails a
      // deadline that is not enforced (5 s).
      expect(Date.now() - started).toBeLessThan(1500);
      // The server stops the work nobody waits for.
      await fx.state.until(() => fx.state.abortReasons.length === 1);
      // For the deadline, not as a cancel: the handler can tell the two apart.
      expect((fx.state.abortReasons[0] as RpcError).code).toBe('DEADLINE_EXCEEDED');
      // The deadline travels: the handler sees one close to the caller's.
      const before = Date.now();
      const seen = await fx.client.deadline({}, { timeout: 10_000 });
      expect(seen).not.toBeNull();
      expect(seen as number).toBeGreaterThan(before + 8_000);
      expect(seen as number).toBeLessThanOrEqual(Date.now() + 10_000 + 50);
    },
  },
  {
    name: 'cancellation',
    async run(fx) {
      const ac = new AbortController();
      const call = fx.client.sleep({ ms: 5000 }, { signal: ac.signal });
      await fx.state.until(() => fx.state.sleeps === 1); // the handler runs: the cancel must reach it
      ac.abort();
      const e = await rejection(call);
      expect(e.code).toBe('CANCELLED');
      await fx.state.until(() => fx.state.abortReasons.length === 1);
      expect((fx.state.abortReasons[0] as RpcError).code).toBe('CANCELLED');
      const already = await rejection(fx.client.add({ a: 1, b: 1 }, { signal: AbortSignal.abort() }));
      expect(already.code).toBe('CANCELLED');
    },
  },
  {
    name: 'metadata',
    async run(fx) {
      let response: Record<string, string> = {};
      const seen = await fx.client.meta(
        {},
        { meta: { 'x-request': 'hello', 'x-unicode': 'żółw 🐢' }, onResponseMeta: (m) => (response = m) },
      );
      expect(seen).toMatchObject({ 'x-request': 'hello', 'x-unicode': 'żółw 🐢' });
      expect(response).toEqual({ 'x-echo': 'hello' });
      const e = await rejection(fx.client.meta({ failWith: 'no' }, { meta: { 'x-request': 'again' } }));
      expect(e.meta).toEqual({ 'x-echo': 'again' });
    },
  },
  {
    name: 'concurrency',
    async run(fx) {
      const n = 1000;
      const results = await Promise.all(Array.from({ length: n }, (_, i) => fx.client.add({ a: i, b: 1 })));
      expect(results).toEqual(Array.from({ length: n }, (_, i) => i + 1));
      const slow = await Promise.all(Array.from({ length: 50 }, (_, i) => fx.client.echo({ text: `#${i}` })));
      expect(slow).toEqual(Array.from({ length: 50 }, (_, i) => `#${i}`));
    },
  },
  {
    name: 'large-payload',
    async run(fx, maxFrameBytes) {
      const size = Math.min(1024 * 1024, Math.floor(maxFrameBytes / 2));
      const text = `${'x'.repeat(size - 7)}\n\r\u2028é`; // newlines inside the payload must not split frames
      expect(await fx.client.echo({ text })).toBe(text);
    },
  },
  {
    name: 'binary-payload',
    async run(fx) {
      const data = new Uint8Array(64 * 1024).map((_, i) => (i * 7919) % 256);
      const back = await fx.client.echoBytes({ data });
      expect(back).toBeInstanceOf(Uint8Array);
      expect(Buffer.from(back).equals(Buffer.from(data))).toBe(true);
    },
  },
  {
    name: 'unicode-payload',
    async run(fx) {
      const text = 'zażółć gęślą jaźń — 日本語 — עברית — 🐢🚀 — \u0000\u001f — \ud83d'; // a lone surrogate too
      expect(await fx.client.echo({ text })).toBe(text);
    },
  },
  {
    name: 'server-stream',
    async run(fx) {
      const items: number[] = [];
      for await (const n of fx.client.countdown({ from: 5 })) items.push(n);
      expect(items).toEqual([5, 4, 3, 2, 1, 0]);
      await fx.state.until(() => fx.state.streamsClosed === 1);
    },
  },
  {
    name: 'stream-early-exit',
    async run(fx) {
      const items: number[] = [];
      for await (const n of fx.client.countdown({ from: 1_000_000, delayMs: 5 })) {
        items.push(n);
        if (items.length === 3) break;
      }
      expect(items).toEqual([1_000_000, 999_999, 999_998]);
      await fx.state.until(() => fx.state.streamsClosed === 1); // the server was told
      const ac = new AbortController();
      const seen: number[] = [];
      const e = await rejection(
        (async () => {
          for await (const n of fx.client.countdown({ from: 100, delayMs: 5 }, { signal: ac.signal })) {
            seen.push(n);
            if (seen.length === 2) ac.abort();
          }
        })(),
      );
      expect(e.code).toBe('CANCELLED');
      await fx.state.until(() => fx.state.streamsClosed === 2);
    },
  },
  {
    name: 'stream-error',
    async run(fx) {
      const items: number[] = [];
      const e = await rejection(
        (async () => {
          for await (const n of fx.client.countdown({ from: 5, failAt: 2 })) items.push(n);
        })(),
      );
      expect(items).toEqual([5, 4, 3]);
      expect(e).toBeInstanceOf(Refused);
      expect(e.message).toBe('failed at 2');
    },
  },
  {
    name: 'client-stream',
    async run(fx) {
      expect(await fx.client.sum([1, 2, 3, 4])).toBe(10);
      expect(await fx.client.sum([])).toBe(0);
      async function* slowly(): AsyncGenerator<number> {
        for (let i = 1; i <= 100; i++) {
          if (i % 10 === 0) await new Promise((r) => setTimeout(r, 1));
          yield i;
        }
      }
      expect(await fx.client.sum(slowly())).toBe(5050); // more inputs than the server's first credit
      // A domain error from the handler mid-stream, with its code and class.
      const e = await rejection(fx.client.sum([1, -2, 3]));
      expect(e).toBeInstanceOf(Refused);
      expect(e.code).toBe('FAILED_PRECONDITION');
      // An input that does not fit the schema ends the call, naming which one it was.
      const bad = await rejection(fx.client.sum([1, 'two' as unknown as number]));
      expect(bad.code).toBe('INVALID_ARGUMENT');
      expect(bad.message).toMatch(/input 1 of conformance\.Conformance\.sum/);
      expect(await fx.client.sum([5])).toBe(5);
    },
  },
  {
    name: 'bidi-stream',
    async run(fx) {
      const totals: number[] = [];
      for await (const t of fx.client.runningTotal([1, 2, 3])) totals.push(t);
      expect(totals).toEqual([1, 3, 6]);
      // Each input sent only after the answer to the one before: the two directions interleave.
      const answers: number[] = [];
      let answered = (): void => {};
      async function* pingPong(): AsyncGenerator<number> {
        for (let i = 1; i <= 5; i++) {
          const heard = new Promise<void>((r) => (answered = r));
          yield i;
          await heard;
        }
      }
      for await (const t of fx.client.runningTotal(pingPong())) {
        answers.push(t);
        answered();
      }
      expect(answers).toEqual([1, 3, 6, 10, 15]);
    },
  },
  {
    name: 'input-stream-cancel',
    async run(fx) {
      // Cancelled while the handler waits for more inputs: both sides stop.
      const ac = new AbortController();
      let sent = 0;
      let closed = false;
      async function* endless(): AsyncGenerator<number> {
        try {
          for (;;) {
            sent++;
            yield 1;
            await new Promise((r) => setTimeout(r, 5));
          }
        } finally {
          closed = true;
        }
      }
      const call = fx.client.sum(endless(), { signal: ac.signal });
      call.catch(() => {}); // awaited below
      await fx.state.until(() => fx.state.inputsTaken >= 3);
      ac.abort();
      expect((await rejection(call)).code).toBe('CANCELLED');
      await fx.state.until(() => fx.state.abortReasons.length === 1);
      expect((fx.state.abortReasons[0] as RpcError).code).toBe('CANCELLED');
      // The caller's generator is closed (a pull already under way may finish): it is read no more.
      await new Promise((r) => setTimeout(r, 30)); // not a condition: the pull under way lands
      expect(closed).toBe(true);
      const stoppedAt = sent;
      await new Promise((r) => setTimeout(r, 50)); // not a condition: a generator still pulled every 5 ms would move
      expect(sent).toBe(stoppedAt);
      // One deadline for the whole call, inputs included.
      const late = await rejection(fx.client.sum(endless(), { timeout: 200 }));
      expect(late.code).toBe('DEADLINE_EXCEEDED');
    },
  },
  {
    name: 'flow-control',
    async run(fx) {
      // Server → client: a caller that reads 10 items of a long stream and stops reading holds the
      // server's generator to what it has taken plus the transport's item window (core's 64), not a million.
      const { items } = fx.windows;
      const it = fx.client.countdown({ from: 1_000_000 })[Symbol.asyncIterator]();
      for (let i = 0; i < 10; i++) await it.next();
      await new Promise((r) => setTimeout(r, 200)); // not a condition: time for a generator that ignored credit to run ahead
      expect(fx.state.yielded).toBeLessThanOrEqual(10 + items + 1);
      await it.return?.();
    },
  },
  {
    name: 'input-flow-control',
    async run(fx) {
      // Client → server: a handler that reads nothing yet holds the caller's generator to the
      // server's input window (core's 16), and everything arrives once the handler reads.
      const { inputs } = fx.windows;
      const open = fx.state.closeGate();
      let pulled = 0;
      async function* many(): AsyncGenerator<number> {
        for (let i = 0; i < 1000; i++) {
          pulled++;
          yield i;
        }
      }
      const call = fx.client.held(many());
      await new Promise((r) => setTimeout(r, 200)); // not a condition: time for a caller that ignored credit to run ahead
      expect(pulled).toBeLessThanOrEqual(inputs + 1);
      open();
      expect(await call).toBe(1000);
    },
  },
  {
    name: 'notification',
    async run(fx) {
      await fx.client.record({ note: 'first' });
      await fx.client.record({ note: 'second' });
      await fx.state.until(() => fx.state.notes.length === 2);
      expect(fx.state.notes).toEqual(['first', 'second']);
    },
  },
  {
    name: 'server-restart',
    async run(fx) {
      expect(await fx.client.add({ a: 1, b: 1 })).toBe(2);
      await fx.server.close({ graceMs: 0 });
      const down = await rejection(fx.client.add({ a: 1, b: 1 }));
      expect(down.code).toBe('UNAVAILABLE');
      // A waitForReady call made while the server is down is served once it is back.
      const waiting = fx.client.add({ a: 20, b: 22 }, { waitForReady: true, timeout: 5000 });
      // Not a condition: give the call time to try and find nobody (it must then wait, not fail); a
      // shorter pause only makes the case weaker, never flaky.
      await new Promise((r) => setTimeout(r, 100));
      await fx.startServer(fx.url);
      expect(await waiting).toBe(42);
      expect(await fx.client.add({ a: 2, b: 2 })).toBe(4);
    },
  },
  {
    // A resumable stream whose server goes away mid-stream resumes, once a server is back, after
    // the last item the caller got: the loop sees every item once, in order, and no error.
    name: 'resumable-stream',
    async run(fx) {
      const got: number[] = [];
      const it = fx.client.ticks({ count: 40, delayMs: 10 }, { timeout: 20_000 })[Symbol.asyncIterator]();
      for (let i = 0; i < 5; i++) got.push((await it.next()).value as number);
      await fx.server.close({ graceMs: 0 });
      const rest = (async () => {
        for (let r = await it.next(); r.done !== true; r = await it.next()) got.push(r.value);
      })();
      await fx.startServer(fx.url);
      await rest;
      expect(got).toEqual(Array.from({ length: 40 }, (_, i) => i));
      const [first, ...resumed] = fx.state.resumedAfter;
      expect(first).toBeUndefined();
      expect(resumed.length).toBeGreaterThanOrEqual(1);
      for (const after of resumed) expect(Number(after)).toBeGreaterThanOrEqual(4);
    },
  },
  {
    name: 'discover',
    async run(fx) {
      const doc = (await rawCall(fx.channel, 'rpc.discover', [])) as { openrpc: string; methods: Record<string, unknown>[] };
      expect(doc.openrpc).toMatch(/^1\./);
      const add = doc.methods.find((m) => m.name === 'conformance.Conformance.add');
      expect(add).toMatchObject({
        paramStructure: 'either',
        params: [
          { name: 'a', required: true, schema: { type: 'number' } },
          { name: 'b', required: true, schema: { type: 'number' } },
        ],
        result: { schema: { type: 'number' } },
        'x-interoffice-kind': 'unary',
      });
      const bytes = doc.methods.find((m) => m.name === 'conformance.Conformance.echoBytes') as { params: { schema: unknown }[] };
      expect(bytes.params[0]?.schema).toMatchObject({ type: 'string' }); // base64 on the wire
      expect(doc.methods.find((m) => m.name === 'conformance.Conformance.countdown')).toMatchObject({
        'x-interoffice-kind': 'serverStream',
      });
    },
  },
  {
    // rpc.health on the JSON-RPC transports, the transport's own health protocol where the channel has one (gRPC).
    name: 'health',
    async run(fx) {
      const check = (service: string) => checkHealth(fx.channel, { service, deadline: Date.now() + 5000 });
      expect(await check('')).toEqual({ status: 'SERVING' });
      expect(await check('conformance.Conformance')).toEqual({ status: 'SERVING' });
      expect(await check('nope.Nope')).toMatchObject({ status: 'NOT_SERVING', why: { code: 'NOT_FOUND' } });
      expect(await fx.client.add({ a: 1, b: 1 })).toBe(2);
    },
  },
  {
    name: 'malformed-frames',
    async run(fx) {
      const raw = await fx.raw();
      raw.send('{"jsonrpc":"2.0","id":1,"method":');
      expect(await raw.next()).toMatchObject({ id: null, error: { code: -32700 } });
      raw.send('\u0000\u00ff garbage');
      expect(await raw.next()).toMatchObject({ id: null, error: { code: -32700 } });
      raw.send('42');
      expect(await raw.next()).toMatchObject({ id: null, error: { code: -32600 } });
      raw.send(JSON.stringify({ jsonrpc: '1.0', id: 2, method: 'add' }));
      expect(await raw.next()).toMatchObject({ id: 2, error: { code: -32600 } });
      raw.send(JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'add', params: 'x' }));
      expect(await raw.next()).toMatchObject({ id: 3, error: { code: -32600 } });
      raw.send(rpc(4, 'add', [2, 5]));
      expect(await raw.next()).toEqual({ jsonrpc: '2.0', id: 4, result: 7 }); // the connection keeps serving
    },
  },
  {
    name: 'batch',
    async run(fx) {
      const raw = await fx.raw();
      raw.send(
        JSON.stringify([
          { jsonrpc: '2.0', id: 'a', method: 'add', params: [1, 2] },
          { jsonrpc: '2.0', method: 'record', params: { note: 'in a batch' } },
          { jsonrpc: '2.0', id: 'b', method: 'nope' },
        ]),
      );
      const out = (await raw.next()) as { id: string }[];
      expect(out).toHaveLength(2);
      const byId = Object.fromEntries(out.map((r) => [r.id, r]));
      expect(byId.a).toEqual({ jsonrpc: '2.0', id: 'a', result: 3 });
      expect(byId.b).toMatchObject({ error: { code: -32601 } });
      raw.send('[]');
      expect(await raw.next()).toMatchObject({ id: null, error: { code: -32600 } });
      await fx.state.until(() => fx.state.notes.includes('in a batch'));
    },
  },
  {
    name: 'frame-limit',
    async run(fx, maxFrameBytes) {
      const e = await rejection(fx.client.echo({ text: 'y'.repeat(maxFrameBytes + 1) }));
      expect(e.code).toBe('RESOURCE_EXHAUSTED');
      expect(await fx.client.add({ a: 3, b: 4 })).toBe(7);
    },
  },
  {
    name: 'oversized-frame',
    async run(fx, maxFrameBytes) {
      const raw = await fx.raw();
      raw.send(rpc(9, 'echo', { text: 'z'.repeat(maxFrameBytes + 1) }));
      expect(await raw.next()).toMatchObject({ id: 9, error: { data: { code: 'RESOURCE_EXHAUSTED' } } });
      raw.send(rpc(10, 'add', [1, 2]));
      expect(await raw.next()).toMatchObject({ id: 10, result: 3 });
      expect(await fx.client.add({ a: 3, b: 4 })).toBe(7);
    },
  },
] as const satisfies readonly Case[];

/** The name of a conformance case, for skip declarations. */
export type CaseName = (typeof cases)[number]['name'];

/**
 * The cases a message medium skips, with the reason: a caller's inputs after its request are
 * messages of their own that a shared medium may hand to another server than the one running
 * the call. Credit for a stream's items is not among them: it travels as a cancel does, to
 * every server, and the one running the call applies it (a medium without `credit` skips
 * `flow-control` with its own reason).
 */
export const messageMediumStreamSkip = {
  cases: ['client-stream', 'bidi-stream', 'input-stream-cancel', 'input-flow-control'],
  reason:
    "a caller's inputs are messages of their own, which a shared medium may hand to another server than the one running the call (UNIMPLEMENTED, naming the transports that can)",
} as const satisfies { cases: readonly CaseName[]; reason: string };
