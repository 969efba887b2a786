/**
 * Metadata as NATS headers: a stock NATS request whose metadata is in its headers, not in the
 * body's `meta`, is served with it — the handler sees it in `ctx.meta`; the body's `meta` wins
 * where both name a key; our own (`Interoffice-…`) and NATS's (`Nats-…`) headers are not
 * metadata. Our client sends metadata as headers too.
 */
import { connect, createClient, serve } from '@interoffice/core';
import { Conformance, conformanceImpl, ServerState } from '@interoffice/core/conformance';
import { connect as natsConnect, headers } from '@nats-io/transport-node';
import { afterEach, describe, expect, it } from 'vitest';
import { natsTransport } from '../src/index.js';
import { natsUrl, subjectUrl } from './helpers.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('metadata as NATS headers', () => {
  it("reach the handler's ctx.meta from a stock request's headers; the body's meta wins; ours and NATS's are not metadata", async () => {
    const url = subjectUrl();
    const server = await serve(conformanceImpl(new ServerState()), { listen: [url], transports: [natsTransport()] });
    cleanups.push(() => server.close({ graceMs: 0 }));
    const nc = await natsConnect({ servers: natsUrl.replace('nats://', '') });
    cleanups.push(() => nc.close());
    const h = headers();
    h.set('X-Request', 'abc');
    h.set('x-both', 'header');
    h.set('Nats-Msg-Id', 'm1');
    h.set('Interoffice-Extra', 'ours');
    const body = { jsonrpc: '2.0', id: 1, method: 'conformance.Conformance.meta', params: {}, meta: { 'x-both': 'body' } };
    const reply = await nc.request(new URL(url).pathname.slice(1), JSON.stringify(body), { headers: h, timeout: 5000 });
    const answer = JSON.parse(reply.string()) as { result: Record<string, string> };
    expect(answer.result).toEqual({ 'x-request': 'abc', 'x-both': 'body' });
  });

  it('our client sends metadata as headers too (the body keeps it as well)', async () => {
    const url = subjectUrl();
    const subject = new URL(url).pathname.slice(1);
    const nc = await natsConnect({ servers: natsUrl.replace('nats://', '') });
    cleanups.push(() => nc.close());
    // A stock responder in place of a worker: it echoes the headers it got as the result.
    const sub = nc.subscribe(subject, {
      callback: (_e, m) => {
        const id = (JSON.parse(m.string()) as { id: number }).id;
        const got = Object.fromEntries((m.headers?.keys() ?? []).map((k) => [k, m.headers?.get(k)]));
        m.respond(JSON.stringify({ jsonrpc: '2.0', id, result: got }));
      },
    });
    // And the ping a connecting client sends to learn that a worker is there.
    const ping = nc.subscribe(`_INTEROFFICE.ping.${subject}`, { callback: (_e, m) => void m.respond('') });
    cleanups.push(() => {
      sub.unsubscribe();
      ping.unsubscribe();
    });
    const channel = await connect(url, { transports: [natsTransport()] });
    cleanups.push(() => channel.close());
    const got = await createClient(Conformance, channel).meta({}, { meta: { 'x-request': 'abc', 'interoffice-client': 'no' } });
    expect(got).toMatchObject({ 'x-request': 'abc' });
    expect(got['interoffice-client']).toBeUndefined(); // metadata never stands in for our own headers
  });
});
