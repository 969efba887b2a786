/**
 * A user of its own on a vhost of its own, with exactly the permissions
 * docs/transports/amqp.md lists: calls, cancels and events work; a user
 * without them is refused with PERMISSION_DENIED.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect, createClient, openEvents, serve } from '@interoffice/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amqpTransport } from '../src/index.js';
import { Jobs, jobs, until, type Seen } from './helpers.js';

const ctl = (...args: string[]): string => execFileSync('rabbitmqctl', args, { encoding: 'utf8' });
const tag = randomBytes(4).toString('hex');
const vhost = `io-vh-${tag}`;
const user = `io-user-${tag}`;
const password = randomBytes(12).toString('hex');
// As the docs give them, for a service named calc.
const CONFIGURE = String.raw`^(calc|interoffice\.control|amq\.gen-.*)$`;
const WRITE = String.raw`^(calc|interoffice\.control|amq\.default|amq\.topic|amq\.gen-.*)$`;
const READ = String.raw`^(calc|interoffice\.control|amq\.gen-.*|amq\.topic)$`;

beforeAll(() => {
  ctl('add_vhost', vhost);
  ctl('add_user', user, password);
  ctl('set_permissions', '-p', vhost, user, CONFIGURE, WRITE, READ);
}, 30_000);
afterAll(() => {
  ctl('delete_vhost', vhost);
  ctl('delete_user', user);
}, 30_000);

describe('a user with the documented permissions', () => {
  it('serves, calls, cancels and carries events; other queues are refused PERMISSION_DENIED', async () => {
    const base = `amqp://${user}:${password}@127.0.0.1:5672`;
    const url = `${base}/calc?vhost=${vhost}`;
    const transports = [amqpTransport()];
    const seen: Seen = { runs: [], aborted: [] };
    const server = await serve(jobs(seen), { listen: [url], transports });
    const channel = await connect(url, { transports });
    try {
      const client = createClient(Jobs, channel);
      expect(await client.add({ a: 2, b: 3 })).toBe(5);
      const ac = new AbortController();
      const call = client.work({ tag: 'x', ms: 5000 }, { signal: ac.signal });
      await until(() => seen.runs.includes('x'), 5000, 'x running');
      ac.abort();
      await expect(call).rejects.toMatchObject({ code: 'CANCELLED' });
      await until(() => seen.aborted.length === 1, 5000, 'the cancel reaching the worker');
      const bus = await openEvents(`${base}/?vhost=${vhost}`, { transports });
      const got: string[] = [];
      await bus.subscribe('calc.done', (p) => got.push(p));
      await bus.publish('calc.done', '"yes"');
      await until(() => got.length === 1, 5000, 'the event');
      await bus.close();
      await expect(serve(jobs(seen), { listen: [`${base}/other?vhost=${vhost}`], transports })).rejects.toMatchObject({
        code: 'PERMISSION_DENIED',
      });
    } finally {
      await channel.close();
      await server.close();
    }
  });
});
