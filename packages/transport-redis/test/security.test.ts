/** Redis ACL users and TLS (`rediss:`), against redis-servers started here. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createClient, openEvents, serve } from '@interoffice/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisTransport } from '../src/index.js';
import { Calculator, calculator, until } from './helpers.js';
import { makeCertificates, redisCli, RedisServer, type TlsFiles } from './redis-server.js';

const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function roundTrip(url: string, transports: ReturnType<typeof redisTransport>[]): Promise<number> {
  const server = await serve(calculator(), { listen: [url], transports });
  try {
    const channel = await connect(url, { transports });
    try {
      return await createClient(Calculator, channel).add({ a: 2, b: 5 });
    } finally {
      await channel.close();
    }
  } finally {
    await server.close();
  }
}

describe('an ACL user limited to its service’s keys', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await RedisServer.start();
    cleanups.push(() => redis.stop());
    const acl = ['on', '>s3cret', '~interoffice:{calc}:*', '&interoffice:{calc}:*', '+@all', '-@dangerous', '+info'];
    expect(await redisCli(redis.port, 'ACL', 'SETUSER', 'calc', ...acl)).toBe('OK');
  });

  it('serves and calls with the user given as options, or in the URL', async () => {
    const url = `${redis.url}/calc`;
    expect(await roundTrip(url, [redisTransport({ username: 'calc', password: 's3cret' })])).toBe(7);
    expect(await roundTrip(url.replace('redis://', 'redis://calc:s3cret@'), [redisTransport()])).toBe(7);
  });

  it('never shows the URL’s password: not in the peer address, nor in errors', async () => {
    const withPassword = `${redis.url.replace('redis://', 'redis://calc:s3cret@')}/calc`;
    const server = await serve(calculator(), { listen: [withPassword], transports: [redisTransport()] });
    cleanups.push(() => server.close({ graceMs: 0 }));
    expect(String(server.urls[0])).not.toContain('s3cret');
    const channel = await connect(withPassword, { transports: [redisTransport()] });
    cleanups.push(() => channel.close());
    let peer = '';
    const calc = createClient(Calculator, channel, {
      middleware: [
        (call, next) => {
          peer = call.peer?.address ?? '';
          return next();
        },
      ],
    });
    expect(await calc.add({ a: 2, b: 5 })).toBe(7);
    expect(peer).toMatch(/^redis:\/\/(calc@)?127\.0\.0\.1:\d+\/calc$/);
    expect(peer).not.toContain('s3cret');
    const wrongUrl = `${redis.url.replace('redis://', 'redis://calc:guess@')}/calc`;
    const wrong = await connect(wrongUrl, { transports: [redisTransport()] }).catch((e: Error) => e);
    expect(wrong).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect((wrong as Error).message).not.toContain('guess');
    const nobody = await connect(`${redis.url.replace('redis://', 'redis://calc:s3cret@')}/calc-nobody`, {
      transports: [redisTransport({ whenNoWorkers: 'fail' })],
    }).catch((e: Error) => e);
    expect((nobody as Error).message).not.toContain('s3cret');
  });

  it('refuses a wrong password (UNAUTHENTICATED) and another service’s keys (PERMISSION_DENIED)', async () => {
    const wrong = [redisTransport({ username: 'calc', password: 'guess' })];
    await expect(connect(`${redis.url}/calc`, { transports: wrong })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    const right = [redisTransport({ username: 'calc', password: 's3cret' })];
    await expect(connect(`${redis.url}/billing`, { transports: right })).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    await expect(serve(calculator(), { listen: [`${redis.url}/billing`], transports: right })).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
    });
  });
});

describe('rediss: (TLS)', () => {
  let redis: RedisServer;
  let files: TlsFiles;
  beforeAll(async () => {
    files = await makeCertificates(mkdtempSync(join(tmpdir(), 'io-tls-')));
    redis = await RedisServer.start([], { tls: files });
    cleanups.push(() => redis.stop());
  });

  it('calls and events over TLS, trusting the given CA', async () => {
    expect(redis.url).toMatch(/^rediss:/);
    const transports = [redisTransport({ tls: { ca: readFileSync(files.ca) } })];
    expect(await roundTrip(`${redis.url}/calc`, transports)).toBe(7);
    const events = await openEvents(redis.url, { transports });
    const got: string[] = [];
    await events.subscribe('secure', (t) => got.push(t));
    await events.publish('secure', 'over tls');
    await until(() => got.length === 1, 5000, 'the event');
    await events.close();
  });

  it('refuses a server whose certificate it cannot verify', async () => {
    const e = await connect(`${redis.url}/calc`, { transports: [redisTransport({ connectTimeoutMs: 2000 })] }).catch(
      (err: unknown) => err,
    );
    expect(e).toMatchObject({ code: 'UNAVAILABLE', message: expect.stringMatching(/certificate/) });
  });
});
