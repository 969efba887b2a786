/**
 * A Lua script, run through ioredis's script commands: the first run on
 * each socket is an EVAL (which caches it), later runs EVALSHA. Redis runs
 * one socket's commands in order, so a script is known before its EVALSHA
 * arrives — even just after a reconnect — and runs are never reordered by a
 * NOSCRIPT retry (item frames must stay before their call's final answer).
 * Keys are declared, so Redis Cluster routes each run to their slot.
 */
import type { RedisClient } from './connector.js';

type Run = (...args: (string | number)[]) => Promise<unknown>;

let count = 0;

export class Script {
  readonly #name = `interoffice${++count}`;
  /** The script's text (docs/transports/redis.md quotes it: a test holds the two together). */
  readonly lua: string;
  /** How many keys every run declares; null when it varies (then each run says). */
  readonly #keys: number | null;

  constructor(keys: number | null, lua: string) {
    this.#keys = keys;
    this.lua = lua.trim();
  }

  /** Make the script a command of `redis` (when the connection is made, before any run). */
  define(redis: RedisClient): void {
    redis.defineCommand(this.#name, this.#keys === null ? { lua: this.lua } : { numberOfKeys: this.#keys, lua: this.lua });
  }

  run(redis: RedisClient, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    const run = (redis as unknown as Record<string, Run | undefined>)[this.#name];
    if (run === undefined) return Promise.reject(new Error(`script ${this.#name} is not defined on this connection`));
    return this.#keys === null ? run.call(redis, keys.length, ...keys, ...args) : run.call(redis, ...keys, ...args);
  }
}
