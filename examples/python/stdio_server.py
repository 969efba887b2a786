#!/usr/bin/env python3
"""A Calculator served on stdin/stdout, standard library only.

    python3 stdio_server.py        (started by its client, which talks on its stdin/stdout)

The wire is plain JSON-RPC 2.0, one message per line (docs/protocol.md): what an
Interoffice client spawns with connect('stdio:', ...). stdout carries nothing but
frames; logs go to stderr. The server exits when its client closes stdin.
"""
import json
import sys


class AliceBroke(Exception):
    """The service's own error: reaches an Interoffice client as its AliceBroke class."""


def number(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError("expected a number")
    return value


def divide(a, b):
    if b == 0:
        raise AliceBroke("division by zero")
    return a / b


METHODS = {"add": lambda a, b: a + b, "multiply": lambda a, b: a * b, "divide": divide}


def error(id_, code, message, data):
    return {"jsonrpc": "2.0", "id": id_, "error": {"code": code, "message": message, "data": data}}


def handle(msg):
    """The response to one message, or None for a notification."""
    if not isinstance(msg, dict) or msg.get("jsonrpc") != "2.0" or not isinstance(msg.get("method"), str):
        return error(msg.get("id") if isinstance(msg, dict) else None, -32600, "invalid request",
                     {"code": "INVALID_ARGUMENT"})
    id_, name = msg.get("id"), msg["method"].removeprefix("Calculator.")
    if name not in METHODS:
        return None if "id" not in msg else error(id_, -32601, f"no method {msg['method']}", {"code": "UNIMPLEMENTED"})
    params = msg.get("params", {})
    try:
        args = [params["a"], params["b"]] if isinstance(params, dict) else list(params)
        if len(args) != 2:
            raise TypeError("expected two operands")
        result = METHODS[name](*map(number, args))
    except AliceBroke as e:
        response = error(id_, -32602, str(e), {"code": "INVALID_ARGUMENT", "name": "AliceBroke"})
    except (KeyError, TypeError) as e:
        response = error(id_, -32602, f"invalid params for {name}: {e}", {"code": "INVALID_ARGUMENT"})
    else:
        response = {"jsonrpc": "2.0", "id": id_, "result": result}
    return response if "id" in msg else None


def main():
    print("stdio_server.py: serving the Calculator on stdin/stdout", file=sys.stderr)
    for line in sys.stdin.buffer:
        if not line.strip():
            continue
        try:
            msg = json.loads(line)
        except ValueError:
            out = error(None, -32700, "parse error", {"code": "INVALID_ARGUMENT"})
        else:
            if isinstance(msg, list):  # a batch
                out = [r for r in map(handle, msg) if r is not None] or None
            else:
                out = handle(msg)
        if out is not None:
            sys.stdout.write(json.dumps(out) + "\n")
            sys.stdout.flush()
    print("stdio_server.py: stdin closed, exiting", file=sys.stderr)


if __name__ == "__main__":
    main()
