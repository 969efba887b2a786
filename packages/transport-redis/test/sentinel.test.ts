/**
 * Redis Sentinel: a master, a replica and a sentinel started here. The
 * transport finds the master through the sentinel, and after the master is
 * killed (-9) and the replica promoted, new calls reach the new master.
 */
import { connect, createClient, serve } from '@interoffice/core';
import { afterAll, describe, expect, it } from 'vitest';
import { redisTransport } from '../src/index.js';
import { Calculator, calculator, until } from './helpers.js';
import { RedisSentinel, RedisServer } from './redis-server.js';

const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('redis sentinel', () => {
  it('reaches the master through a sentinel, and the new master after a failover', async () => {
    const master = await RedisServer.start();
    cleanups.push(() => master.stop());
    const replica = await RedisServer.start(['--replicaof', '127.0.0.1', String(master.port)]);
    cleanups.push(() => replica.stop());
    const sentinel = await RedisSentinel.start(master);
    cleanups.push(() => sentinel.stop());
    const url = `redis://127.0.0.1:${sentinel.port}/calc`; // the sentinel's address
    const transports = [redisTransport({ sentinel: { name: 'mymaster' }, logger: { warn() {}, error() {} } })];
    const server = await serve(calculator(), { listen: [url], transports, logger: { warn() {}, error() {} } });
    cleanups.push(() => server.close({ graceMs: 0 }));
    const channel = await connect(url, { transports });
    cleanups.push(() => channel.close());
    const calc = createClient(Calculator, channel);
    expect(await calc.add({ a: 2, b: 5 })).toBe(7);
    await master.kill();
    await until(async () => (await sentinel.masterPort()) === replica.port, 20_000, 'the replica promoted');
    let answer: number | undefined;
    await until(
      async () => {
        answer = await calc.add({ a: 20, b: 22 }, { timeout: 2000 }).catch(() => undefined);
        return answer !== undefined;
      },
      20_000,
      'a call through the new master',
    );
    expect(answer).toBe(42);
  }, 60_000);
});
