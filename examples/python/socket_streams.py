#!/usr/bin/env python3
"""Stream to an Interoffice Calculator over its unix socket, standard library only:
`sum` takes a stream of numbers and answers their total; `runningTotal` answers each
number with the total so far (docs/protocol.md, "Streams of inputs, and flow control").

    python3 socket_streams.py $XDG_RUNTIME_DIR/interoffice/calculator.sock

The request opens the call; the inputs follow as rpc.input notifications, sent only as
the server grants credit ({"id": …, "credit": n} frames), and rpc.end closes them. For
items coming back, the request asks for credit too, and rpc.credit grants more as they
are read.
"""
import sys

from socket_client import Alice, AliceError

WINDOW = 64  # stream items the server may send ahead of what we have read


def stream_call(alice, method, numbers):
    """Call `method` with a stream of `numbers`; returns (items, result)."""
    alice.next_id += 1
    cid = alice.next_id
    alice.send({"jsonrpc": "2.0", "id": cid, "method": method, "credit": WINDOW})
    pending, credit, ended, items, unread_grant = list(numbers), 0, False, [], 0
    while True:
        while credit > 0 and pending:
            alice.send({"jsonrpc": "2.0", "method": "rpc.input", "params": {"id": cid, "item": pending.pop(0)}})
            credit -= 1
        if not pending and not ended:
            alice.send({"jsonrpc": "2.0", "method": "rpc.end", "params": {"id": cid}})
            ended = True
        message = alice.receive()
        if message.get("id") != cid:
            continue  # an answer to something else
        if "credit" in message:
            credit += message["credit"]
        elif "item" in message:
            items.append(message["item"])
            unread_grant += 1
            if unread_grant == WINDOW // 2:
                alice.send({"jsonrpc": "2.0", "method": "rpc.credit", "params": {"id": cid, "n": unread_grant}})
                unread_grant = 0
        elif "error" in message:
            error = message["error"]
            data = error.get("data", {})
            raise AliceError(data.get("code", error["code"]), data.get("name", ""), error["message"])
        else:
            return items, message.get("result")


if __name__ == "__main__":
    alice = Alice(sys.argv[1])
    _, total = stream_call(alice, "Calculator.sum", [1, 2, 3, 4])
    print(f"sum(1, 2, 3, 4) = {total}")
    totals, _ = stream_call(alice, "Calculator.runningTotal", [1, 2, 3])
    print(f"runningTotal(1, 2, 3) = {', '.join(str(t) for t in totals)}")
    # More inputs than the server's first credit, and more items than our window.
    totals, _ = stream_call(alice, "Calculator.runningTotal", range(1, 201))
    print(f"runningTotal(1..200) ends at {totals[-1]} after {len(totals)} items")
