export { redisTransport } from './transport.js';
export type { RedisTransportOptions, SentinelOptions } from './options.js';
export { redisAvailable } from './available.js';
export { keysFor, type Keys, DEFAULT_KEY_PREFIX, GROUP } from './keys.js';
