/** Keepalive over Redis (`MessageConnection.ping`: Redis's PING), against a real redis-server stopped with SIGSTOP. */
import { mediumKeepaliveCases } from '../../core/test/shared/medium-keepalive.js';
import { redisTransport } from '../src/index.js';
import { queueUrl } from './helpers.js';
import { RedisServer } from './redis-server.js';

mediumKeepaliveCases(
  'Redis',
  async () => {
    const redis = await RedisServer.start();
    return { url: queueUrl(redis.url), signal: (s) => redis.signal(s), stop: () => redis.stop() };
  },
  () => redisTransport({ logger: { warn: () => {}, error: () => {} } }),
);
