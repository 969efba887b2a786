#!/usr/bin/env python3
"""Call Alice's tRPC router from Python over its unix socket, standard library only.

    python3 python_client.py /tmp/interoffice-trpc.sock

A tRPC procedure served over Interoffice is a JSON-RPC 2.0 method named
`trpc.<path>`; a subscription is a server stream whose items are tRPC's result
messages (docs/guides/trpc.md#on-the-wire).
"""
import json
import socket
import sys

sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
sock.connect(sys.argv[1] if len(sys.argv) > 1 else "/tmp/interoffice-trpc.sock")
reader = sock.makefile("rb")


def send(message):
    sock.sendall(json.dumps(message).encode() + b"\n")


def receive():
    return json.loads(reader.readline())


def call(request_id, method, params):
    send({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params})
    response = receive()
    if "error" in response:
        error = response["error"]
        trpc = error["data"]["details"]["trpc"]  # the error as tRPC shaped it
        raise Exception(error["data"]["code"], trpc["data"]["code"], error["message"])
    return response["result"]


print(call(1, "trpc.greeting", {"name": "Py"}))
print(call(2, "trpc.post.add", ["from Python"]))  # positional params map onto the input's fields
try:
    call(3, "trpc.post.byId", {"id": 99})
except Exception as e:
    print(e.args)

# A subscription: "started", then one item per event, then the final result.
send({"jsonrpc": "2.0", "id": 4, "method": "trpc.count", "params": {"to": 3, "everyMs": 10}})
while True:
    message = receive()
    if "item" not in message:
        break
    item = message["item"]
    print(item["type"], item.get("id"), item.get("data"))
