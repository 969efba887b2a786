/**
 * HTTP as plain HTTP clients see it (fetch, no Interoffice client): the
 * JSON-RPC endpoint with deadline and metadata headers, per-method routes,
 * GET for reads only, the OpenAPI document (validated), the body limit,
 * JSON-only POSTs, origins and CORS, and mounting in Express.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect, createClient, serve, type Server } from '@interoffice/core';
import { Validator } from '@seriousme/openapi-schema-validator';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { httpHandler, httpTransport, wsTransport } from '../src/index.js';
import { Shop, shop } from './fixtures/shop.js';

const servers: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function start(options: Parameters<typeof httpTransport>[0] = {}) {
  const { state, impl } = shop();
  const server: Server = await serve(impl, {
    listen: ['http://127.0.0.1:0/rpc/'],
    transports: [httpTransport(options)],
    logger: { warn() {}, error() {} },
  });
  servers.push(server);
  return { state, url: (server.urls[0] as URL).href };
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

const rpc = (id: number, method: string, params?: unknown) => ({ jsonrpc: '2.0', id, method, ...(params ? { params } : {}) });

describe('http: the JSON-RPC endpoint', () => {
  it('takes deadline and metadata from headers beside the envelope; the envelope’s own metadata wins', async () => {
    const { url } = await start();
    const res = await post(
      url,
      { ...rpc(1, 'whoami', {}), meta: { 'x-both': 'body' } },
      {
        'interoffice-meta-x-user': 'ann',
        'interoffice-meta-x-both': 'header',
      },
    );
    expect(await res.json()).toEqual({ jsonrpc: '2.0', id: 1, result: { 'x-user': 'ann', 'x-both': 'body' } });
    const before = Date.now();
    const timed = (await (await post(url, rpc(2, 'deadline', {}), { 'interoffice-timeout-ms': '1500' })).json()) as {
      result: number;
    };
    expect(timed.result).toBeGreaterThan(before + 1000);
    expect(timed.result).toBeLessThanOrEqual(Date.now() + 1500 + 50);
  });

  it('answers a server stream as NDJSON lines, a batch as one array, notifications with 204', async () => {
    const { url } = await start();
    const res = await post(url, rpc(3, 'ticks', { n: 3 }));
    expect(res.headers.get('content-type')).toBe('application/x-ndjson');
    const lines = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { jsonrpc: '2.0', id: 3, item: 1 },
      { jsonrpc: '2.0', id: 3, item: 2 },
      { jsonrpc: '2.0', id: 3, item: 3 },
      { jsonrpc: '2.0', id: 3, result: null },
    ]);
    const batch = (await (await post(url, [rpc(4, 'price', { sku: 'A-1', qty: 2 }), rpc(5, 'nope')])).json()) as { id: number }[];
    expect(batch.sort((a, b) => a.id - b.id)).toMatchObject([
      { id: 4, result: 5 },
      { id: 5, error: { code: -32601 } },
    ]);
    const note = await post(url, { jsonrpc: '2.0', method: 'whoami', params: {} });
    expect(note.status).toBe(204);
  });

  it('refuses bodies over the frame limit with 413 and a JSON-RPC error, and keeps serving', async () => {
    const { url } = await start({ maxFrameBytes: 4096 });
    const res = await post(url, rpc(6, 'buy', { sku: 'x'.repeat(5000) }));
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ id: 6, error: { data: { code: 'RESOURCE_EXHAUSTED' } } });
    expect(await (await post(url, rpc(7, 'price', { sku: 'B', qty: 1 }))).json()).toMatchObject({ result: 1 });
  });

  it('takes only JSON: a form post (which any page may send without asking) gets 415 and runs nothing', async () => {
    const { url, state } = await start();
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify(rpc(1, 'buy', { sku: 'x' })),
    });
    expect(res.status).toBe(415);
    expect(state.bought).toEqual([]);
  });
});

describe('http: per-method routes and GET', () => {
  it('POST <path><method> takes the params alone and answers the plain result', async () => {
    const { url, state } = await start();
    const res = await post(`${url}shop.Shop.buy`, { sku: 'A-1' });
    expect([res.status, await res.json()]).toEqual([200, 'bought A-1']);
    expect(state.bought).toEqual(['A-1']);
    const bad = await post(`${url}shop.Shop.buy`, { sku: 7 });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ data: { code: 'INVALID_ARGUMENT' } });
  });

  it('GET runs methods marked noSideEffects, params in the query; others are refused unrun', async () => {
    const { url, state } = await start();
    const res = await fetch(`${url}shop.Shop.price?sku=A-1&qty=4`);
    expect([res.status, await res.json()]).toEqual([200, 10]);
    const write = await fetch(`${url}shop.Shop.buy?sku=A-1`);
    expect(write.status).toBe(400);
    expect(await write.json()).toMatchObject({ data: { code: 'FAILED_PRECONDITION' } });
    expect(state.bought).toEqual([]);
    // Headers work on GETs too.
    const who = await fetch(`${url}shop.Shop.whoami`, { headers: { 'interoffice-meta-x-user': 'bob' } });
    expect(await who.json()).toEqual({ 'x-user': 'bob' });
  });
});

describe('http: the OpenAPI document', () => {
  it('is served beside the endpoint and is valid OpenAPI 3.1, with GET only for reads', async () => {
    const { url } = await start();
    const doc = (await (await fetch(`${url}openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    };
    const validation = await new Validator().validate(doc as never);
    expect(validation.errors ?? []).toEqual([]);
    expect(validation.valid).toBe(true);
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths['/rpc/shop.Shop.price'] ?? {}).sort()).toEqual(['get', 'post']);
    expect(Object.keys(doc.paths['/rpc/shop.Shop.buy'] ?? {})).toEqual(['post']);
    expect(doc.paths['/rpc/']).toHaveProperty('post');
  });

  it('a broken document fails the validator (the check can fail)', async () => {
    const { url } = await start();
    const doc = (await (await fetch(`${url}openapi.json`)).json()) as {
      paths: Record<string, Record<string, { parameters?: unknown }>>;
    };
    (doc.paths['/rpc/shop.Shop.buy'] as Record<string, { parameters?: unknown }>).post = { parameters: 'none' };
    expect((await new Validator().validate(doc as never)).valid).toBe(false);
  });
});

describe('http: origins', () => {
  it('refuses pages of other origins (403, unrun); answers listed ones and preflights them', async () => {
    const { url, state } = await start({ allowOrigins: ['https://app.example'] });
    const evil = await post(url, rpc(1, 'buy', { sku: 'x' }), { origin: 'https://evil.example' });
    expect(evil.status).toBe(403);
    expect(state.bought).toEqual([]);
    const pre = await fetch(url, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
    const ok = await post(url, rpc(2, 'buy', { sku: 'y' }), { origin: 'https://app.example' });
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(await ok.json()).toMatchObject({ result: 'bought y' });
    // The endpoint's own pages need no listing.
    const own = await post(url, rpc(3, 'price', { sku: 'B', qty: 1 }), { origin: new URL(url).origin });
    expect(own.status).toBe(200);
  });

  it('with no allowOrigins, no other origin may call (CORS is off by default)', async () => {
    const { url } = await start();
    expect((await post(url, rpc(1, 'price', { sku: 'B', qty: 1 }), { origin: 'https://app.example' })).status).toBe(403);
    expect((await post(url, rpc(1, 'price', { sku: 'B', qty: 1 }))).status).toBe(200); // no Origin: not a browser page
  });
});

describe('http: mounted in Express, with WebSocket on the same path', () => {
  it('serves /rpc/ and its WebSocket upgrades while the app keeps its own routes', async () => {
    const { state, impl } = shop();
    const rpcEndpoint = await httpHandler(impl, { path: '/rpc/', logger: { warn() {}, error() {} } });
    const app = express();
    app.get('/hello', (_req, res) => void res.send('hello'));
    app.use(rpcEndpoint.handle);
    const server = createServer(app);
    server.on('upgrade', (req, socket, head) => {
      if (!rpcEndpoint.upgrade(req, socket, head)) socket.destroy();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    servers.push(rpcEndpoint.server, {
      close: () =>
        new Promise((r) => {
          server.close(r);
          server.closeAllConnections();
        }),
    });
    const port = (server.address() as AddressInfo).port;
    expect(await (await fetch(`http://127.0.0.1:${port}/hello`)).text()).toBe('hello');
    for (const scheme of ['http', 'ws'] as const) {
      const transports = [scheme === 'http' ? httpTransport() : wsTransport()];
      const channel = await connect(`${scheme}://127.0.0.1:${port}/rpc/`, { transports });
      const client = createClient(Shop, channel);
      expect(await client.buy({ sku: scheme })).toBe(`bought ${scheme}`);
      const ticks: number[] = [];
      for await (const t of client.ticks({ n: 3 })) ticks.push(t);
      expect(ticks).toEqual([1, 2, 3]);
      await channel.close();
    }
    expect(state.bought).toEqual(['http', 'ws']);
  });
});
