import { Redis } from 'ioredis';
import { redisEndpoint } from './address.js';

/**
 * Whether a Redis answers PING at `url` within `timeoutMs` — for demos and
 * benches that include Redis only when one is there.
 */
export async function redisAvailable(url: string | URL, timeoutMs = 500): Promise<boolean> {
  const e = redisEndpoint(typeof url === 'string' ? new URL(url) : url);
  const redis = new Redis({
    host: e.host,
    port: e.port,
    username: e.username,
    password: e.password,
    tls: e.tls ? {} : undefined,
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
  });
  redis.on('error', () => {});
  try {
    await redis.connect();
    return (await redis.call('PING')) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}
