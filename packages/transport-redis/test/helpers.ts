import { Redis } from 'ioredis';
import { inject } from 'vitest';
import { DEFAULT_KEY_PREFIX, keysFor, type Keys } from '../src/index.js';
import { WorkerProcess as SharedWorker } from '../../core/test/shared/message-peers.js';

export { Jobs, jobs, sleep, until, type Seen } from '../../core/test/shared/message-peers.js';

/** A worker process serving Jobs over the built Redis transport (core's shared message-worker.mjs). */
export const WorkerProcess = {
  start: (url: string, label: string, options: object = {}): Promise<SharedWorker> =>
    SharedWorker.jobs(new URL('../dist/index.js', import.meta.url).pathname, 'redisTransport', url, label, options),
};
export type WorkerProcess = SharedWorker;

/** The Redis of this run (REDIS_URL, or the throwaway one global-setup started). */
export const redisUrl: string = inject('redisUrl');

const runId: string = inject('runId');
let n = 0;
/** A URL naming a queue (and so a key prefix) no other test uses. */
export function queueUrl(base: string = redisUrl): string {
  return `${base}/${runId}-${process.pid}-${n++}`;
}

/** A plain ioredis client on `url`'s server, and the keys of `url`'s queue, for looking inside. */
export function inspect(url: string): { redis: Redis; keys: Keys } {
  const u = new URL(url);
  const redis = new Redis({ host: u.hostname, port: Number(u.port || 6379), lazyConnect: false });
  return { redis, keys: keysFor(DEFAULT_KEY_PREFIX, decodeURIComponent(u.pathname.slice(1))) };
}

// The seed's calculator, as the Python peers know it: the one every transport's tests share.
export { AliceBroke, Calculator, calculator } from '@interoffice/core/conformance';

export { python, pythonExample } from '../../core/test/shared/python-worker.js';
