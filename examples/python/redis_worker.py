#!/usr/bin/env python3
"""Serve a Calculator to Interoffice clients through Redis, with Debian's python3-redis.

    python3 redis_worker.py redis://127.0.0.1:6379/calc

Written from docs/transports/redis.md#wire-format: the worker joins the service's consumer group,
reads request entries, and answers each with one atomic commit (store the answer
under the entry's id, push it to the caller's reply list, acknowledge and delete the
entry). It runs beside Interoffice's own workers, competing for the same queue.
Prints "ready" once it reads the queue; stops on Ctrl-C or SIGTERM.
"""
import json
import os
import signal
import sys
from urllib.parse import unquote, urlparse

import redis

GROUP = "workers"

# Finish request entries (docs/transports/redis.md#wire-format, "Serving"); here one at a time.
COMMIT = """
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
return pushed
"""

# JSON-RPC error codes and canonical codes (protocol.md#errors).
INVALID, UNKNOWN_METHOD, LATE = (-32602, "INVALID_ARGUMENT"), (-32601, "UNIMPLEMENTED"), (-32004, "DEADLINE_EXCEEDED")


class AliceBroke(Exception):
    """The service's own error: Interoffice clients that declare it rebuild it by name."""


def add(a, b):
    return a + b


def multiply(a, b):
    return a * b


def divide(a, b):
    if b == 0:
        raise AliceBroke("division by zero")
    return a / b


METHODS = {"add": add, "multiply": multiply, "divide": divide}


def error(request_id, code, message, name=None):
    data = {"code": code[1]}
    if name:
        data["name"] = name
    return {"jsonrpc": "2.0", "id": request_id, "error": {"code": code[0], "message": message, "data": data}}


def answer(frame, age_ms):
    """The response to one request frame, or None for a notification."""
    try:
        request = json.loads(frame)
    except ValueError:
        return error(None, (-32700, "INVALID_ARGUMENT"), "parse error")
    if not isinstance(request, dict) or request.get("jsonrpc") != "2.0" or not isinstance(request.get("method"), str):
        return error(request.get("id") if isinstance(request, dict) else None, (-32600, "INVALID_ARGUMENT"), "invalid request")
    request_id, method = request.get("id"), request["method"].removeprefix("Calculator.")
    timeout = request.get("timeout")
    if isinstance(timeout, (int, float)) and timeout - age_ms <= 0:
        return error(request_id, LATE, "the deadline passed before the call started") if "id" in request else None
    if method not in METHODS:
        return error(request_id, UNKNOWN_METHOD, f"no method {request['method']}") if "id" in request else None
    params = request.get("params", [])
    try:
        values = params if isinstance(params, list) else list(params.values())
        if any(not isinstance(v, (int, float)) or isinstance(v, bool) for v in values):
            raise TypeError("operands must be numbers")
        result = METHODS[method](*params) if isinstance(params, list) else METHODS[method](**params)
    except AliceBroke as e:
        return error(request_id, INVALID, str(e), "AliceBroke")
    except TypeError as e:
        return error(request_id, INVALID, f"invalid params for {method}: {e}")
    return {"jsonrpc": "2.0", "id": request_id, "result": result} if "id" in request else None


def redis_ms(r):
    """Redis's clock: a request's age is counted on it, from the time in its entry id."""
    seconds, micros = r.time()
    return seconds * 1000 + micros // 1000


def serve(url, prefix="interoffice:"):
    u = urlparse(url)
    r = redis.Redis(host=u.hostname, port=u.port or 6379, username=u.username, password=u.password,
                    ssl=u.scheme == "rediss", decode_responses=True)
    base = f"{prefix}{{{unquote(u.path.lstrip('/'))}}}:"
    requests, workers = base + "requests", base + "workers"
    me = f"python:{os.uname().nodename}:{os.getpid()}"
    try:
        r.xgroup_create(requests, GROUP, id="0", mkstream=True)
    except redis.ResponseError as e:
        if "BUSYGROUP" not in str(e):
            raise
    commit = r.register_script(COMMIT)
    print("ready", flush=True)
    while True:
        r.zadd(workers, {me: redis_ms(r) + 10_000})  # alive for the next 10 s
        for _, entries in r.xreadgroup(GROUP, me, {requests: ">"}, count=16, block=2000) or []:
            now = redis_ms(r)
            for entry_id, fields in entries:
                age = now - int(entry_id.split("-")[0])
                response = answer(fields.get("f", ""), age)
                frame = json.dumps(response) if response is not None else ""
                commit(keys=[requests, base + "replies:" + fields.get("c", ""), base + "done:" + entry_id],
                       args=[GROUP, 60_000, entry_id, frame, 60_000 if frame else 0])


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        serve(sys.argv[1])
    except KeyboardInterrupt:
        pass
