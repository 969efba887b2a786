/**
 * `interoffice publish` and `interoffice subscribe`, as real processes, over
 * a transport the CLI does not know (named with --transport), over real
 * Redis when its transport is built and a server answers, and refused where
 * a transport carries no events.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedisServer } from '../../transport-redis/test/redis-server.js';
import { bin, cli, fixtures, killChildren, repo, server, start } from './helpers.js';

/** A broker for line-bus.mjs: every published payload goes to the subscribers of its channel. */
let brokerUrl: string;
const sockets = new Set<Socket>();
const broker = createServer((socket) => {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
  const subscribed = new Set<string>();
  let rest = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) {
      const m = JSON.parse(line) as { op: string; channel: string; payload?: string };
      if (m.op === 'sub') subscribed.add(m.channel);
      if (m.op === 'pub') for (const s of sockets) s.emit('deliver', m.channel, m.payload);
      socket.write('{"op":"ack"}\n');
    }
  });
  socket.on('deliver', (channel: string, payload: string) => {
    if (subscribed.has(channel)) socket.write(`${JSON.stringify({ op: 'msg', channel, payload })}\n`);
  });
});
beforeAll(async () => {
  await new Promise<void>((resolve) => broker.listen(0, '127.0.0.1', resolve));
  brokerUrl = `linebus://127.0.0.1:${(broker.address() as { port: number }).port}`;
});
afterAll(() => broker.close());
afterEach(killChildren);

const lineBus = ['--transport', join(fixtures, 'line-bus.mjs')];

describe('publish and subscribe', () => {
  it('print each message a subscriber gets on its own line, through a transport named with --transport', async () => {
    const sub = await start([bin, 'subscribe', brokerUrl, 'news', '--count', '3', ...lineBus], /(subscribed)/, 1, 'stderr');
    const exited = new Promise<number | null>((resolve) => sub.child.once('exit', resolve));
    for (const payload of ['hello', 'two\nlines', '{"json":true}']) {
      expect(await cli(['publish', brokerUrl, 'news', payload, ...lineBus])).toMatchObject({ status: 0 });
    }
    expect(await cli(['publish', brokerUrl, 'sports', 'not for news', ...lineBus])).toMatchObject({ status: 0 });
    expect(await exited).toBe(0);
    expect(sub.output()).toBe('subscribed\nhello\ntwo\\nlines\n{"json":true}\n');
  });

  it('are refused on a transport that carries no events: UNIMPLEMENTED', async () => {
    const s = await server('tcp://127.0.0.1:0');
    const r = await cli(['publish', s.urls[0] as string, 'news', 'x']);
    expect([r.status, r.stderr]).toEqual([64 + 12, 'UNIMPLEMENTED: tcp: transports do not carry events\n']);
  });

  it('name a --transport module that is not one', async () => {
    const r = await cli(['publish', brokerUrl, 'news', 'x', '--transport', join(fixtures, 'service.mjs')]);
    expect([r.status, r.stderr]).toEqual([2, expect.stringMatching(/exports no transport/)]);
  });

  it('go through real Redis with the Redis transport', async ({ skip, onTestFinished }) => {
    const redisDist = join(repo, 'packages/transport-redis/dist/index.js');
    if (!existsSync(redisDist)) return skip('packages/transport-redis is not built');
    // A throwaway redis-server on a free port, and names no other run uses: nothing shared with 6379.
    const redisServer = await RedisServer.start();
    onTestFinished(() => redisServer.stop());
    const url = `${redisServer.url}/io-cli-${randomUUID()}`;
    const channel = `news-${randomUUID()}`;
    const redis = ['--transport', redisDist];
    const sub = await start([bin, 'subscribe', url, channel, '--count', '1', ...redis], /(subscribed)/, 1, 'stderr');
    const exited = new Promise<number | null>((resolve) => sub.child.once('exit', resolve));
    expect(await cli(['publish', url, channel, 'through redis', ...redis])).toMatchObject({ status: 0 });
    expect(await exited).toBe(0);
    expect(sub.output()).toBe('subscribed\nthrough redis\n');
  });
});
