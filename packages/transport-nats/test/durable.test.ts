/**
 * Durable mode's own promises, looked at from a plain JetStream client:
 * calls wait in the work queue for a worker, a duplicate publish (same
 * `Nats-Msg-Id`) runs once, and a request delivered again is answered from
 * the answer kept under its stream sequence, not run twice.
 */
import { connect, createClient, implement, serve } from '@interoffice/core';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect as natsConnect, createInbox, headers, type Msg } from '@nats-io/transport-node';
import { afterAll, afterEach, expect, it } from 'vitest';
import { natsTransport } from '../src/index.js';
import { dropStreams, Jobs, natsUrl, subjectUrl, until } from './helpers.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(() => dropStreams());

function jobs(runs: string[]) {
  return implement(Jobs, {
    add: ({ a, b }) => {
      runs.push(`add ${a} ${b}`);
      return a + b;
    },
    work: ({ tag }) => ({ tag, worker: 'here' }),
    countdown: async function* () {},
  });
}

/** A plain NATS connection and an inbox collecting what arrives on it. */
async function plain() {
  const nc = await natsConnect({ servers: new URL(natsUrl).host });
  cleanups.push(() => nc.close());
  const inbox = createInbox();
  const got: string[] = [];
  nc.subscribe(inbox, { callback: (_e, m: Msg) => void got.push(m.string()) });
  return { nc, js: jetstream(nc), inbox, got };
}

it('a call made while no worker runs waits in the queue and is served when one starts', async () => {
  const url = subjectUrl(undefined, '?mode=durable');
  const runs: string[] = [];
  const first = await serve(jobs(runs), { listen: [url], transports: [natsTransport()] }); // makes the stream
  await first.close();
  const channel = await connect(url, { transports: [natsTransport()] });
  cleanups.push(() => channel.close());
  const call = createClient(Jobs, channel).add({ a: 4, b: 5 }, { timeout: 10_000 });
  await new Promise((r) => setTimeout(r, 300)); // not a condition: the call must wait with no worker (shorter only weakens this)
  expect(runs).toEqual([]);
  const second = await serve(jobs(runs), { listen: [url], transports: [natsTransport()] });
  cleanups.push(() => second.close());
  expect(await call).toBe(9);
});

it('a duplicate publish (same Nats-Msg-Id) is suppressed: the call runs once', async () => {
  const url = subjectUrl(undefined, '?mode=durable');
  const subject = new URL(url).pathname.slice(1);
  const runs: string[] = [];
  const server = await serve(jobs(runs), { listen: [url], transports: [natsTransport()] });
  cleanups.push(() => server.close());
  const { js, inbox, got } = await plain();
  const h = headers();
  h.set('Interoffice-Reply', inbox);
  const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'add', params: [1, 2] });
  const acks = [
    await js.publish(`_INTEROFFICE.queue.${subject}`, body, { headers: h, msgID: 'once' }),
    await js.publish(`_INTEROFFICE.queue.${subject}`, body, { headers: h, msgID: 'once' }),
  ];
  expect(acks.map((a) => a.duplicate)).toEqual([false, true]);
  await until(() => got.length === 1, 5000, 'the answer');
  // A later message in the same stream: the worker takes the stream in order, so once this one is
  // answered, a duplicate that got through would have been run (and answered) already.
  const later = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'add', params: [2, 3] });
  await js.publish(`_INTEROFFICE.queue.${subject}`, later, { headers: h, msgID: 'later' });
  await until(() => got.some((g) => g.includes('"id":2')), 5000, 'the later answer');
  expect(got.filter((g) => g.includes('"id":1'))).toEqual(['{"jsonrpc":"2.0","id":1,"result":3}']);
  expect(runs.filter((r) => r === 'add 1 2')).toHaveLength(1);
});

it('a request delivered again is answered from the answer kept under its idempotency key, not run again', async () => {
  const url = subjectUrl(undefined, '?mode=durable');
  const subject = new URL(url).pathname.slice(1);
  const stream = `INTEROFFICE_${subject.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const runs: string[] = [];
  await (await serve(jobs(runs), { listen: [url], transports: [natsTransport()] })).close(); // the stream and consumer
  const { js, inbox, got } = await plain();
  const h = headers();
  h.set('Interoffice-Reply', inbox);
  const body = JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'add', params: [2, 2] });
  const ack = await js.publish(`_INTEROFFICE.queue.${subject}`, body, { headers: h });
  // A worker took it and died before acknowledging, after keeping its answer:
  const taken = await (await js.consumers.get(stream, 'workers')).next({ expires: 5000 });
  expect(taken?.seq).toBe(ack.seq);
  await js.publish(`_INTEROFFICE.answer.${subject}.${ack.seq}`, '{"jsonrpc":"2.0","id":7,"result":"kept"}');
  taken?.nak();
  const server = await serve(jobs(runs), { listen: [url], transports: [natsTransport()] });
  cleanups.push(() => server.close());
  await until(() => got.length === 1, 5000, 'the answer');
  expect(got).toEqual(['{"jsonrpc":"2.0","id":7,"result":"kept"}']);
  expect(runs).toEqual([]);
});

it('a worker keeps each answer under its request’s stream sequence, for a copy delivered again', async () => {
  const url = subjectUrl(undefined, '?mode=durable');
  const subject = new URL(url).pathname.slice(1);
  const answers = `INTEROFFICE_ANSWERS_${subject.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const runs: string[] = [];
  const server = await serve(jobs(runs), { listen: [url], transports: [natsTransport()] });
  cleanups.push(() => server.close());
  const { nc, js, inbox, got } = await plain();
  const h = headers();
  h.set('Interoffice-Reply', inbox);
  const body = JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'add', params: [4, 5] });
  const ack = await js.publish(`_INTEROFFICE.queue.${subject}`, body, { headers: h });
  await until(() => got.length === 1, 5000, 'the answer');
  expect(got).toEqual(['{"jsonrpc":"2.0","id":3,"result":9}']);
  // Stored without waiting for JetStream's acknowledgement: it lands soon after the answer.
  const jsm = await jetstreamManager(nc);
  const kept = async () =>
    (
      await jsm.streams.getMessage(answers, { last_by_subj: `_INTEROFFICE.answer.${subject}.${ack.seq}` }).catch(() => null)
    )?.string();
  await until(async () => (await kept()) !== undefined, 5000, 'the kept answer');
  expect(await kept()).toBe(got[0]);
});
