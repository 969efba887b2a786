#!/usr/bin/env python3
"""Bob calls an Interoffice Calculator through NATS, with nothing but Python's standard library.

    python3 nats_bob.py nats://127.0.0.1:4222/calc

Written from docs/transports/nats.md#wire-format: a call is a plain NATS request — the body
one JSON-RPC 2.0 request, published to the URL's subject with a reply subject of our own —
and the answer is the one message that comes back there.
"""
import json
import sys

from nats_wire import Nats


class BobError(Exception):
    def __init__(self, code, name, message):
        super().__init__(f"{code} {name}: {message}".replace(" :", ":"))
        self.code = code


def call(nats, method, *args, **kwargs):
    request = {"jsonrpc": "2.0", "id": 1, "method": method, "params": kwargs if kwargs else list(args)}
    reply = nats.inbox()
    nats.sub(reply)
    nats.pub(nats.subject, json.dumps(request), reply)
    _, _, headers, payload = nats.next()
    if " 503" in headers.split("\r\n")[0]:
        raise BobError("UNAVAILABLE", "", f"no worker serves {nats.subject}")
    response = json.loads(payload)
    if "error" in response:
        error = response["error"]
        data = error.get("data", {})
        raise BobError(data.get("code", error["code"]), data.get("name", ""), error["message"])
    return response["result"]


if __name__ == "__main__":
    nats = Nats(sys.argv[1])
    print(f"add(2, 5) = {call(nats, 'add', 2, 5)}")
    print(f"multiply(8, 5) = {call(nats, 'Calculator.multiply', a=8, b=5)}")
    try:
        call(nats, "divide", 1, 0)
    except BobError as e:
        print(f"divide(1, 0) failed: {e}")
