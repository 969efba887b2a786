/**
 * The Redis every test uses: REDIS_URL when set, else a throwaway
 * redis-server on a free port, stopped after the run. Tests read it with
 * `inject('redisUrl')` and give every test its own key prefix.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { TestProject } from 'vitest/node';
import { RedisServer } from './redis-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
    /** Begins every queue name of this run. */
    runId: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const runId = `t${randomBytes(4).toString('hex')}`;
  project.provide('runId', runId);
  const given = process.env.REDIS_URL;
  if (given === undefined || given === '') {
    const server = await RedisServer.start();
    project.provide('redisUrl', server.url);
    return () => server.stop();
  }
  const url = given.replace(/^(rediss?:\/\/[^/?]+).*$/, '$1'); // the server, without a path
  project.provide('redisUrl', url);
  // A Redis of someone's: remove what this run left there.
  return async () => {
    const redis = new Redis(url);
    for await (const keys of redis.scanStream({ match: `*{${runId}-*`, count: 1000 })) {
      if ((keys as string[]).length > 0) await redis.del(...(keys as string[]));
    }
    await redis.quit();
  };
}
