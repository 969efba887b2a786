/** Discovery: a worker registers as a NATS service, which `$SRV.PING`, `$SRV.INFO` and `$SRV.STATS` see. */
import { serve } from '@interoffice/core';
import { Svcm } from '@nats-io/services';
import { createInbox, connect as natsConnect } from '@nats-io/transport-node';
import { afterEach, expect, it } from 'vitest';
import { natsTransport } from '../src/index.js';
import { calculator, natsUrl, subjectUrl, until } from './helpers.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

it('$SRV.PING finds the worker; $SRV.INFO names its subject; $SRV.STATS counts its requests', async () => {
  const url = subjectUrl();
  const subject = new URL(url).pathname.slice(1);
  const name = subject.replace(/[^A-Za-z0-9_-]/g, '_');
  const server = await serve(calculator(), { listen: [url], transports: [natsTransport()] });
  cleanups.push(() => server.close());
  const nc = await natsConnect({ servers: new URL(natsUrl).host });
  cleanups.push(() => nc.close());
  // A plain request, as any NATS client sends one.
  const r = await nc.request(subject, JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'add', params: [1, 2] }));
  expect(r.json()).toEqual({ jsonrpc: '2.0', id: 1, result: 3 });
  // The raw discovery subject, as `nats micro ping` asks it.
  const pings: { name: string }[] = [];
  const sub = nc.subscribe(createInbox(), {
    callback: (_e, m) => void pings.push(m.json()),
  });
  nc.publish(`$SRV.PING.${name}`, '', { reply: sub.getSubject() });
  await nc.flush();
  await until(() => pings.length > 0, 5000, 'an answer to the ping');
  const client = new Svcm(nc as unknown as ConstructorParameters<typeof Svcm>[0]).client();
  const infos = [];
  for await (const i of await client.info(name)) infos.push(i);
  // The info round (which collects answers until its own wait is over) came later: any second ping answer came before it.
  expect(pings.map((p) => p.name)).toEqual([name]);
  expect(infos).toHaveLength(1);
  expect(infos[0]?.endpoints).toMatchObject([{ name: 'rpc', subject, queue_group: 'interoffice' }]);
  expect(infos[0]?.metadata).toMatchObject({ interoffice: 'core', subject });
  const stats = [];
  for await (const s of await client.stats(name)) stats.push(s);
  expect(stats[0]?.endpoints?.[0]?.num_requests).toBe(1);
  // Closed, it is gone from discovery.
  await server.close();
  const gone = await (async () => {
    const seen = [];
    for await (const p of await client.ping(name)) seen.push(p);
    return seen;
  })().catch((e: unknown) => String(e));
  expect(String(gone)).toMatch(/no responders/);
});
