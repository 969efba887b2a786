#!/usr/bin/env python3
"""Call an Interoffice Calculator through Redis, with Debian's python3-redis.

    python3 redis_client.py redis://127.0.0.1:6379/calc

Written from docs/transports/redis.md#wire-format: a request is a JSON-RPC 2.0 message added to
the service's request stream with this client's id; the answer comes back on the
client's own reply list.
"""
import json
import sys
import time
import uuid
from urllib.parse import unquote, urlparse

import redis

# Queue requests unless the queue is full (docs/transports/redis.md#wire-format, "Calling"); here one at a time.
ENQUEUE = """
if ARGV[2] == '1' then
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  if redis.call('ZCOUNT', KEYS[2], now, '+inf') == 0 then return -1 end
end
local room = tonumber(ARGV[1]) - redis.call('XLEN', KEYS[1])
local n = 0
for i = 4, #ARGV do
  if n >= room then break end
  redis.call('XADD', KEYS[1], '*', 'c', ARGV[3], 'f', ARGV[i])
  n = n + 1
end
return n
"""


class Alice:
    def __init__(self, url, prefix="interoffice:", max_queue=100000):
        u = urlparse(url)
        self.r = redis.Redis(host=u.hostname, port=u.port or 6379, username=u.username, password=u.password,
                             ssl=u.scheme == "rediss", decode_responses=True)
        base = f"{prefix}{{{unquote(u.path.lstrip('/'))}}}:"
        self.requests, self.workers = base + "requests", base + "workers"
        self.client = uuid.uuid4().hex
        self.replies = base + "replies:" + self.client
        self.enqueue = self.r.register_script(ENQUEUE)
        self.max_queue = max_queue
        self.next_id = 0

    def call(self, method, *args, timeout=30.0, **kwargs):
        """Positional args map onto the method's fields in order; keywords by name."""
        self.next_id += 1
        request = {"jsonrpc": "2.0", "id": self.next_id, "method": method,
                   "params": kwargs if kwargs else list(args), "timeout": int(timeout * 1000)}
        queued = self.enqueue(keys=[self.requests, self.workers],
                              args=[self.max_queue, "0", self.client, json.dumps(request)])
        if queued == 0:
            raise AliceError("RESOURCE_EXHAUSTED", "", "the queue is full")
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AliceError("DEADLINE_EXCEEDED", "", "no answer before the deadline")
            popped = self.r.blpop(self.replies, timeout=min(left, 1.0))
            if popped is None:
                continue
            response = json.loads(popped[1])
            if response.get("id") != self.next_id or "item" in response:
                continue  # a late answer to an earlier call
            if "error" in response:
                error = response["error"]
                data = error.get("data", {})
                raise AliceError(data.get("code", error["code"]), data.get("name", ""), error["message"])
            return response["result"]


class AliceError(Exception):
    def __init__(self, code, name, message):
        super().__init__(f"{code} {name}: {message}".replace(" :", ":"))
        self.code = code


if __name__ == "__main__":
    alice = Alice(sys.argv[1])
    print(f"add(2, 5) = {alice.call('add', 2, 5)}")
    print(f"multiply(8, 5) = {alice.call('Calculator.multiply', a=8, b=5)}")
    try:
        alice.call("divide", 1, 0)
    except AliceError as e:
        print(f"divide(1, 0) failed: {e}")
