#!/usr/bin/env python3
"""Bob in Python: call Alice's proto Calculator (proto/calculator/v1/calculator.proto) over gRPC.

    python3 grpc_stubs.py proto calculator/v1/calculator.proto /tmp/stubs
    python3 grpc_client.py 127.0.0.1:50051 /tmp/stubs

Stock grpcio: the Interoffice server is a plain gRPC server to it.
"""
import sys

import grpc

sys.path.insert(0, sys.argv[2])
from calculator.v1 import calculator_pb2 as pb  # noqa: E402
from calculator.v1 import calculator_pb2_grpc as pb_grpc  # noqa: E402

with grpc.insecure_channel(sys.argv[1]) as channel:
    calc = pb_grpc.CalculatorStub(channel)
    print("Add(2, 5) =", calc.Add(pb.Operands(a=2, b=5)).value)
    print("Multiply(8, 5) =", calc.Multiply(pb.Operands(a=8, b=5)).value)
    try:
        calc.Divide(pb.Operands(a=1, b=0))
    except grpc.RpcError as e:
        print("Divide(1, 0) failed:", e.code().name, e.details())
    # `from` is a Python keyword: pass it by name through a dict.
    print("Countdown(3) =", [tick.value for tick in calc.Countdown(pb.CountdownRequest(**{"from": 3}))])
    try:
        for _ in calc.Countdown(pb.CountdownRequest(**{"from": 10000}), timeout=0.02):
            pass
        print("Countdown(10000) finished within 20 ms")
    except grpc.RpcError as e:
        print("Countdown(10000) with a 20 ms deadline:", e.code().name)
    # A client stream and a bidi stream: any iterator of messages goes up.
    print("Sum(1, 2, 3, 4) =", calc.Sum(pb.Operand(value=v) for v in [1, 2, 3, 4]).value)
    print("RunningTotal(1, 2, 3) =", [r.value for r in calc.RunningTotal(pb.Operand(value=v) for v in [1, 2, 3])])
