#!/usr/bin/env python3
"""Bob calls an Interoffice Calculator over WebSocket, with the `websockets` package.

    python3 ws_bob.py ws://127.0.0.1:8080/rpc/ [origin]

Written from docs/transports/ws.md#wire-format: one JSON-RPC 2.0 message per text message,
both ways, on one connection; answers come in any order (match them by id); a server stream
is a run of {"id", "item"} messages ended by its response; {"method": "rpc.cancel",
"params": {"id": ...}} stops a call. Given an origin, Bob says he is a page of it (the server
refuses origins it does not list).
"""
import asyncio
import json
import sys

import websockets


def request(id, method, params=None):
    message = {"jsonrpc": "2.0", "id": id, "method": method}
    if params is not None:
        message["params"] = params
    return json.dumps(message)


def failure(error):
    data = error.get("data", {})
    return f"{data.get('code', error['code'])} {data.get('name', '')}: {error['message']}".replace(" :", ":")


async def main(url, origin):
    try:
        async with websockets.connect(url, origin=origin) as ws:
            await calls(ws)
    except websockets.exceptions.InvalidStatusCode as e:
        print(f"refused: HTTP {e.status_code}")


async def calls(ws):
    answers = {}

    async def answer(id):
        while id not in answers:
            message = json.loads(await ws.recv())
            answers.setdefault(message["id"], []).append(message)
        return answers.pop(id)

    await ws.send(request(1, "add", [2, 5]))
    print(f"add(2, 5) = {(await answer(1))[0]['result']}")
    await ws.send(request(2, "divide", {"a": 1, "b": 0}))
    print(f"divide(1, 0) failed: {failure((await answer(2))[0]['error'])}")
    # Two calls at once on the one connection: the quick one is answered first.
    await ws.send(request(3, "wait", {"ms": 300}))
    await ws.send(request(4, "multiply", [8, 5]))
    first = json.loads(await ws.recv())
    print(f"first answer: id {first['id']} = {first['result']}")
    answers.setdefault(first["id"], []).append(first)
    print(f"then: id 3 = {(await answer(3))[0]['result']}")
    # A server stream: items, then the end.
    await ws.send(request(5, "countdown", {"from": 3}))
    items = []
    while True:
        message = json.loads(await ws.recv())
        if "item" in message:
            items.append(message["item"])
        else:
            break
    print(f"countdown(3) = {items}")
    # Cancelling a call that would run for 5 s.
    await ws.send(request(6, "wait", {"ms": 5000}))
    await ws.send(json.dumps({"jsonrpc": "2.0", "method": "rpc.cancel", "params": {"id": 6}}))
    print(f"wait(5000) cancelled: {failure((await answer(6))[0]['error'])}")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None))
