/**
 * The Lua scripts: each step that touches several keys runs as one, so it
 * is atomic. docs/transports/redis.md#wire-format describes each step for peers in other
 * languages, which may run these same scripts.
 */
import { Script } from './script.js';

/** Redis's clock in milliseconds, inside a script. */
const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/**
 * Queue requests of one client, in order, as far as the queue has room.
 * KEYS: requests, workers. ARGV: max length, require a live worker
 * ('1'/'0'), client id, frames... Returns how many were queued (the first
 * ones; the rest found the queue full), or -1 when no worker is alive and
 * one is required (then none was queued).
 */
export const ENQUEUE = new Script(
  2,
  `
if ARGV[2] == '1' then
  ${NOW}
  if redis.call('ZCOUNT', KEYS[2], now, '+inf') == 0 then return -1 end
end
local room = tonumber(ARGV[1]) - redis.call('XLEN', KEYS[1])
local n = 0
for i = 4, #ARGV do
  if n >= room then break end
  redis.call('XADD', KEYS[1], '*', 'c', ARGV[3], 'f', ARGV[i])
  n = n + 1
end
return n`,
);

/**
 * Finish request entries: for each, store its final response under its
 * idempotency key (unless one is there: another run finished first), push
 * it to its client, acknowledge and delete the entry. KEYS: requests, then
 * for each entry its client's replies and its done key. ARGV: group, reply
 * TTL ms, then for each entry its id, its frame ('' for none) and how long
 * to keep it in ms ('0': do not store). Returns how many were pushed.
 */
export const COMMIT = new Script(
  null,
  `
local pushed = 0
for i = 1, (#KEYS - 1) / 2 do
  local id, frame, keep = ARGV[3 * i], ARGV[3 * i + 1], ARGV[3 * i + 2]
  local fresh = true
  if frame ~= '' then
    if keep ~= '0' then fresh = redis.call('SET', KEYS[2 * i + 1], frame, 'NX', 'PX', keep) end
    if fresh then
      redis.call('RPUSH', KEYS[2 * i], frame)
      redis.call('PEXPIRE', KEYS[2 * i], ARGV[2])
      pushed = pushed + 1
    end
  end
  redis.call('XACK', KEYS[1], ARGV[1], id)
  redis.call('XDEL', KEYS[1], id)
end
return pushed`,
);

/**
 * Push a frame that ends no request (a stream item) to a client, once: the
 * entry's started mark counts the items pushed, so a push sent again (the
 * connection dropped before its reply came) is not pushed twice. KEYS:
 * replies, started. ARGV: frame, reply TTL ms, started TTL ms ('0': do not
 * set the mark's TTL: after the first item), the item's number (1, 2, …).
 * Returns the reply list's length.
 */
export const PUSH = new Script(
  2,
  `
local sent = tonumber(redis.call('GET', KEYS[2])) or 0
if tonumber(ARGV[4]) <= sent then return redis.call('LLEN', KEYS[1]) end
local n = redis.call('RPUSH', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
if ARGV[3] ~= '0' then redis.call('SET', KEYS[2], ARGV[4], 'PX', ARGV[3])
elseif sent > 0 then redis.call('SET', KEYS[2], ARGV[4], 'KEEPTTL') end
return n`,
);

/**
 * Before running a redelivered entry: if a run already finished, push its
 * stored response again and acknowledge (1); if a stream run had sent items,
 * say so (2); else 0: run it. KEYS: requests, replies, done, started. ARGV:
 * group, entry id, reply TTL ms.
 */
export const RESUME = new Script(
  4,
  `
local done = redis.call('GET', KEYS[3])
if done then
  redis.call('RPUSH', KEYS[2], done)
  redis.call('PEXPIRE', KEYS[2], ARGV[3])
  redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
  redis.call('XDEL', KEYS[1], ARGV[2])
  return 1
end
if redis.call('EXISTS', KEYS[4]) == 1 then return 2 end
return 0`,
);

/**
 * A worker's heartbeat: say it is alive until now + TTL, keep the entries it
 * runs (resetting their idle time, if they are still its own), and remove
 * workers gone for good once nothing of theirs is pending. KEYS: requests,
 * workers. ARGV: group, worker, presence TTL ms, entry ids... Returns Redis's TIME.
 */
export const TOUCH = new Script(
  2,
  `
${NOW}
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[3]), ARGV[2])
for i = 4, #ARGV do
  if #redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1, ARGV[2]) > 0 then
    redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'JUSTID')
  end
end
for _, name in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)) do
  if #redis.call('XPENDING', KEYS[1], ARGV[1], '-', '+', 1, name) == 0 then
    redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], name)
    redis.call('ZREM', KEYS[2], name)
  end
end
return t`,
);

/**
 * A worker leaving: make every entry it still holds claimable at once by
 * others, and stop counting as alive. KEYS: requests, workers. ARGV: group,
 * worker, idle ms to set. Returns how many entries were released.
 */
export const RELEASE = new Script(
  2,
  `
local mine = redis.call('XPENDING', KEYS[1], ARGV[1], '-', '+', 100000, ARGV[2])
for _, p in ipairs(mine) do
  redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, p[1], 'IDLE', ARGV[3], 'JUSTID')
end
if #mine == 0 then
  redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], ARGV[2])
  redis.call('ZREM', KEYS[2], ARGV[2])
else
  redis.call('ZADD', KEYS[2], 0, ARGV[2])
end
return #mine`,
);

/** How many workers are alive now. KEYS: workers. */
export const LIVE_WORKERS = new Script(
  1,
  `
${NOW}
return redis.call('ZCOUNT', KEYS[1], now, '+inf')`,
);

/** Every script: each connection gets them all as commands when it is made. */
export const SCRIPTS: readonly Script[] = [ENQUEUE, COMMIT, PUSH, RESUME, TOUCH, RELEASE, LIVE_WORKERS];
