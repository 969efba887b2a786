#!/usr/bin/env python3
"""Bob in Python, calling the zod-defined Calculator (examples/calculator/src/service.ts) over gRPC.

The .proto comes from the zod service itself:
    interoffice gen examples/calculator/dist/service.js --out /tmp/zod-proto
    python3 grpc_stubs.py /tmp/zod-proto calculator.proto /tmp/zod-stubs
    python3 grpc_zod_client.py 127.0.0.1:50051 /tmp/zod-stubs

RPCs are PascalCase (the zod `add` is `Add`), and a number comes back as the one
field of the RPC's own message (AddResponse, CountdownResponse): read `.value`.
A service's own error class travels as JSON in the `interoffice-error-bin` trailer.
"""
import json
import sys

import grpc

sys.path.insert(0, sys.argv[2])
import calculator_pb2 as pb  # noqa: E402
import calculator_pb2_grpc as pb_grpc  # noqa: E402


def error_name(error):
    for key, value in error.trailing_metadata() or ():
        if key == "interoffice-error-bin":
            return json.loads(value).get("name")
    return None


with grpc.insecure_channel(sys.argv[1]) as channel:
    calc = pb_grpc.CalculatorStub(channel)
    print("add(2, 5) =", calc.Add(pb.AddRequest(a=2, b=5)).value)
    print("multiply(8, 5) =", calc.Multiply(pb.MultiplyRequest(a=8, b=5)).value)
    try:
        calc.Divide(pb.DivideRequest(a=1, b=0))
    except grpc.RpcError as e:
        print("divide(1, 0) failed:", e.code().name, error_name(e), e.details())
    print("countdown(3) =", [v.value for v in calc.Countdown(pb.CountdownRequest(**{"from": 3}))])
    calc.Note(pb.NoteRequest(text="hello from Python"))
    try:
        for _ in calc.Countdown(pb.CountdownRequest(**{"from": 10000}), timeout=0.02):
            pass
        print("countdown(10000) finished within 20 ms")
    except grpc.RpcError as e:
        print("countdown(10000) with a 20 ms deadline:", e.code().name)
