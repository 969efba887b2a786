#!/usr/bin/env python3
"""Serve a Calculator to Interoffice clients through NATS, with nothing but Python's standard library.

    python3 nats_worker.py nats://127.0.0.1:4222/calc

Written from docs/transports/nats.md#wire-format: the worker joins the subject's queue group
`interoffice` (competing with Interoffice's own workers), answers each request on its reply
subject, and answers the pings on `_INTEROFFICE.ping.<subject>` by which clients see a worker
is there. Prints "ready" once subscribed; stops on Ctrl-C or SIGTERM.
"""
import json
import signal
import sys

from nats_wire import Nats

INVALID, UNKNOWN_METHOD = (-32602, "INVALID_ARGUMENT"), (-32601, "UNIMPLEMENTED")


class AliceBroke(Exception):
    """The service's own error: Interoffice clients that declare it rebuild it by name."""


def divide(a, b):
    if b == 0:
        raise AliceBroke("division by zero")
    return a / b


METHODS = {"add": lambda a, b: a + b, "multiply": lambda a, b: a * b, "divide": divide}


def error(request_id, code, message, name=None):
    data = {"code": code[1], **({"name": name} if name else {})}
    return {"jsonrpc": "2.0", "id": request_id, "error": {"code": code[0], "message": message, "data": data}}


def answer(body):
    """The response to one request, or None for a notification."""
    try:
        request = json.loads(body)
    except ValueError:
        return error(None, (-32700, "INVALID_ARGUMENT"), "parse error")
    if not isinstance(request, dict) or request.get("jsonrpc") != "2.0" or not isinstance(request.get("method"), str):
        return error(request.get("id") if isinstance(request, dict) else None, (-32600, "INVALID_ARGUMENT"), "invalid request")
    request_id, method = request.get("id"), request["method"].removeprefix("Calculator.")
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


def serve(url):
    nats = Nats(url)
    nats.sub(nats.subject, "interoffice")
    nats.sub(f"_INTEROFFICE.ping.{nats.subject}", "interoffice")
    nats.send(b"PING\r\n")
    while nats.line() != "PONG":  # the server has our subscriptions
        pass
    print("ready", flush=True)
    while True:
        subject, reply, _, body = nats.next()
        if not reply:
            continue
        response = answer(body) if subject == nats.subject else None
        if response is not None or subject != nats.subject:
            nats.pub(reply, json.dumps(response) if response is not None else "")


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        serve(sys.argv[1])
    except KeyboardInterrupt:
        pass
