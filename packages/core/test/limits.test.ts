/**
 * What a hostile peer did to servers (issue #20), reproduced against core —
 * every frame transport's server runs this code — and what holds instead.
 */
import { describe, expect, it } from 'vitest';
import {
  connect,
  createClient,
  implement,
  memoryTransport,
  rawCall,
  serve,
  type Connection,
  type FrameTransport,
} from '../src/index.js';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../src/json-depth.js';
import { Calculator, handlers } from './fixtures.js';
import { until } from './shared/until.js';

const quiet = { warn() {}, error() {} };

/** A server on a fresh memory address, and a way to open raw connections to it. */
async function rawWorld(serveOptions: object = {}, maxFrameBytes = 64 * 1024) {
  const transport = memoryTransport({ maxFrameBytes });
  const url = `memory://limits-${Math.random()}`;
  const state = { running: 0, aborted: 0, ran: 0, deadlines: [] as number[] };
  const server = await serve(
    implement(Calculator, {
      ...handlers(),
      // A notification that runs until its signal aborts.
      note: (_input, ctx) =>
        new Promise<void>((resolve) => {
          state.running++;
          state.ran++;
          state.deadlines.push(ctx.deadline);
          ctx.signal.addEventListener('abort', () => {
            state.running--;
            state.aborted++;
            resolve();
          });
        }),
    }),
    { listen: [url], transports: [transport], logger: quiet, ...serveOptions },
  );
  const open = async (): Promise<{ conn: Connection; frames: string[]; closed: () => boolean }> => {
    const frames: string[] = [];
    let closed = false;
    const conn = await (transport as FrameTransport).connect(new URL(url), {
      frame: (f) => frames.push(f),
      oversized() {},
      drain() {},
      closed: () => void (closed = true),
    });
    return { conn, frames, closed: () => closed };
  };
  return { transport, url, server, state, open };
}

const req = (id: number | undefined, method: string, params?: unknown): object =>
  id === undefined ? { jsonrpc: '2.0', method, params } : { jsonrpc: '2.0', id, method, params };

describe('#20.1: a batch cannot make the server build an answer without bound', () => {
  it('a batch whose answer would pass the frame limit gets one RESOURCE_EXHAUSTED error, and the server keeps serving', async () => {
    const w = await rawWorld({}, 64 * 1024);
    const peer = await w.open();
    // rpc.discover turns ~50 bytes into kilobytes: 200 of them would answer with ~1 MB.
    peer.conn.send(JSON.stringify(Array.from({ length: 200 }, (_, i) => req(i, 'rpc.discover'))));
    await until(() => peer.frames.length === 1);
    const answer = peer.frames[0] as string;
    expect(answer.length).toBeLessThan(1000);
    expect(JSON.parse(answer)).toMatchObject({
      id: null,
      error: { data: { code: 'RESOURCE_EXHAUSTED' }, message: 'the answer to this batch exceeds the frame limit of 65536 bytes' },
    });
    // A batch that fits is answered whole.
    peer.conn.send(JSON.stringify([req(1, 'add', [1, 2]), req(2, 'rpc.discover')]));
    await until(() => peer.frames.length === 2);
    expect((JSON.parse(peer.frames[1] as string) as unknown[]).length).toBe(2);
    peer.conn.send(JSON.stringify(req(3, 'add', [2, 5])));
    await until(() => peer.frames.length === 3);
    expect(JSON.parse(peer.frames[2] as string)).toEqual({ jsonrpc: '2.0', id: 3, result: 7 });
    await w.server.close({ graceMs: 0 });
  });
});

describe('#20.6: notifications are calls like any other', () => {
  it('count against maxInFlight, get the default deadline, and stop when their connection goes', async () => {
    const w = await rawWorld({ maxInFlight: 5, defaultTimeout: 60_000 });
    const peer = await w.open();
    const before = Date.now();
    for (let i = 0; i < 50; i++) peer.conn.send(JSON.stringify(req(undefined, 'note', { text: `n${i}` })));
    await until(() => w.state.running === 5);
    // A call is refused too while five notifications run.
    peer.conn.send(JSON.stringify(req(1, 'add', [1, 2])));
    await until(() => peer.frames.length === 1);
    expect(JSON.parse(peer.frames[0] as string)).toMatchObject({ id: 1, error: { data: { code: 'RESOURCE_EXHAUSTED' } } });
    expect(w.state.ran).toBe(5);
    for (const d of w.state.deadlines) expect(d - before).toBeGreaterThanOrEqual(59_000);
    peer.conn.close();
    await until(() => w.state.aborted === 5);
    expect(w.state.running).toBe(0);
    await w.server.close({ graceMs: 0 });
  });

  it('end at their deadline', async () => {
    const w = await rawWorld({ defaultTimeout: 50 });
    const peer = await w.open();
    peer.conn.send(JSON.stringify(req(undefined, 'note', { text: 'x' })));
    await until(() => w.state.ran === 1);
    await until(() => w.state.aborted === 1);
    peer.conn.close();
    await w.server.close({ graceMs: 0 });
  });
});

describe('#20.7: deeply nested JSON is refused before it is parsed', () => {
  it('nestsDeeperThan counts brackets outside strings only', () => {
    expect(nestsDeeperThan('[[[1]]]', 3)).toBe(false);
    expect(nestsDeeperThan('[[[[1]]]]', 3)).toBe(true);
    expect(nestsDeeperThan('{"a":"[[[[[[[[","b":[{"c":"\\"[[[[["}]}', 3)).toBe(false);
    expect(nestsDeeperThan('{"a":"x\\\\","b":[[[[1]]]]}', 3)).toBe(true); // an escaped backslash ends the string
  });

  it('a 16 MiB frame of nested arrays is answered at once with a parse error, and the server keeps serving', async () => {
    const w = await rawWorld({}, 32 * 1024 * 1024);
    const peer = await w.open();
    const depth = 8 * 1024 * 1024;
    const started = performance.now();
    peer.conn.send(`{"jsonrpc":"2.0","id":1,"method":"add","params":${'['.repeat(depth)}${']'.repeat(depth)}}`);
    await until(() => peer.frames.length === 1);
    const took = performance.now() - started;
    expect(JSON.parse(peer.frames[0] as string)).toMatchObject({
      id: null,
      error: { code: -32700, message: `parse error: JSON nested deeper than ${MAX_JSON_DEPTH} levels` },
    });
    expect(took).toBeLessThan(1000); // JSON.parse alone took ~1.6 s for such a frame
    const fine = `{"jsonrpc":"2.0","id":2,"method":"add","params":{"a":${'['.repeat(100)}${']'.repeat(100)},"b":1}}`;
    peer.conn.send(fine); // deep but within the limit: parsed, and refused by the schema
    await until(() => peer.frames.length === 2);
    expect(JSON.parse(peer.frames[1] as string)).toMatchObject({ id: 2, error: { code: -32602 } });
    await w.server.close({ graceMs: 0 });
  });
});

describe('#20.8: connections are limited, and idle ones may be closed', () => {
  it('past maxConnections a new connection is refused with RESOURCE_EXHAUSTED and closed; room comes back', async () => {
    const warnings: string[] = [];
    const w = await rawWorld({ maxConnections: 2, logger: { warn: (m: string) => warnings.push(m), error() {} } });
    const a = await w.open();
    const b = await w.open();
    const refused = await Promise.all([w.open(), w.open(), w.open()]);
    for (const r of refused) {
      await until(() => r.closed());
      expect(JSON.parse(r.frames[0] as string)).toMatchObject({
        id: null,
        error: {
          data: { code: 'RESOURCE_EXHAUSTED' },
          message: 'the server has 2 connections open (its maxConnections): try again later',
        },
      });
    }
    expect(warnings).toEqual(['refusing connections: 2 are open (maxConnections)']); // once, not once per refusal
    a.conn.send(JSON.stringify(req(1, 'add', [1, 1])));
    await until(() => a.frames.length === 1);
    a.conn.close();
    await until(() => warnings.length === 2);
    expect(warnings[1]).toBe('refused 3 connection(s) while 2 were open (maxConnections)');
    const c = await w.open();
    c.conn.send(JSON.stringify(req(1, 'add', [2, 2])));
    await until(() => c.frames.length === 1);
    expect(JSON.parse(c.frames[0] as string)).toMatchObject({ result: 4 });
    b.conn.close();
    c.conn.close();
    await w.server.close({ graceMs: 0 });
  });

  it('with idleTimeoutMs, a connection with no call and no frame for that long is closed; one with a call running is not', async () => {
    const w = await rawWorld({ idleTimeoutMs: 100 });
    const idle = await w.open();
    const busy = await w.open();
    busy.conn.send(JSON.stringify(req(1, 'wait', { ms: 400 })));
    const opened = Date.now();
    await until(() => idle.closed());
    expect(Date.now() - opened).toBeGreaterThanOrEqual(90);
    expect(busy.closed()).toBe(false);
    await until(() => busy.frames.length === 1);
    expect(JSON.parse(busy.frames[0] as string)).toMatchObject({ id: 1, result: 'waited' });
    await until(() => busy.closed()); // idle once its call is done
    await w.server.close({ graceMs: 0 });
  });

  it('refuses limits that make no sense', async () => {
    for (const bad of [{ maxConnections: 0 }, { idleTimeoutMs: 0 }, { maxInFlight: -1 }, { defaultTimeout: Number.NaN }]) {
      await expect(
        serve(implement(Calculator, handlers()), { listen: ['memory://x'], transports: [memoryTransport()], ...bad }),
      ).rejects.toThrow(/^serve: \w+ must be a number/);
    }
  });
});

describe('#20.13: metadata is limited to 8 KiB', () => {
  it('the server refuses more with RESOURCE_EXHAUSTED (without reading past the limit), the client will not send it', async () => {
    const w = await rawWorld();
    const peer = await w.open();
    const meta = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, 'v']));
    peer.conn.send(JSON.stringify({ ...req(1, 'add', [1, 2]), meta }));
    await until(() => peer.frames.length === 1);
    expect(JSON.parse(peer.frames[0] as string)).toMatchObject({ id: 1, error: { data: { code: 'RESOURCE_EXHAUSTED' } } });
    peer.conn.send(JSON.stringify({ ...req(2, 'add', [1, 2]), meta: { 'x-ok': 'v'.repeat(8000) } }));
    await until(() => peer.frames.length === 2);
    expect(JSON.parse(peer.frames[1] as string)).toMatchObject({ id: 2, result: 3 });
    const calc = createClient(Calculator, await connect(w.url, { transports: [w.transport] }));
    await expect(calc.add({ a: 1, b: 2 }, { meta: { big: 'x'.repeat(9000) } })).rejects.toMatchObject({
      code: 'RESOURCE_EXHAUSTED',
      message: 'request metadata exceeds the limit of 8192 characters (keys and values together)',
    });
    expect(await rawCall(await connect(w.url, { transports: [w.transport] }), 'add', [3, 4])).toBe(7);
    await w.server.close({ graceMs: 0 });
  });
});

describe('#20, what held: no prototype pollution through params, metadata or method names', () => {
  it('keys named __proto__ or constructor change no prototype, and each frame gets its proper answer', async () => {
    const w = await rawWorld();
    const peer = await w.open();
    const frames = [
      '{"jsonrpc":"2.0","id":1,"method":"add","params":{"a":1,"b":2,"__proto__":{"polluted":true}}}',
      '{"jsonrpc":"2.0","id":2,"method":"add","params":[1,2],"meta":{"__proto__":"x","constructor":"y","k":"v"}}',
      '{"jsonrpc":"2.0","id":3,"method":"__proto__","params":{}}',
      '{"jsonrpc":"2.0","id":4,"method":"constructor","params":{}}',
      '{"jsonrpc":"2.0","id":5,"method":"Calculator.__proto__","params":{}}',
      '{"jsonrpc":"2.0","id":6,"method":"toString","__proto__":{"polluted":true}}',
    ];
    for (const f of frames) peer.conn.send(f);
    await until(() => peer.frames.length === frames.length);
    const byId = Object.fromEntries(peer.frames.map((f) => [(JSON.parse(f) as { id: number }).id, JSON.parse(f)]));
    expect(byId[1]).toMatchObject({ result: 3 });
    expect(byId[2]).toMatchObject({ result: 3 });
    for (const id of [3, 4, 5, 6]) expect(byId[id]).toMatchObject({ error: { code: -32601 } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
    await w.server.close({ graceMs: 0 });
  });
});
