#!/usr/bin/env python3
"""Alice in Python: serve the proto Calculator (proto/calculator/v1/calculator.proto) over gRPC.

    python3 grpc_stubs.py proto calculator/v1/calculator.proto /tmp/stubs
    python3 grpc_server.py 127.0.0.1:0 /tmp/stubs      # prints "listening on <port>"

An Interoffice client generated from the same .proto calls it like any server.
"""
import sys
import time
from concurrent import futures

import grpc

sys.path.insert(0, sys.argv[2])
from calculator.v1 import calculator_pb2 as pb  # noqa: E402
from calculator.v1 import calculator_pb2_grpc as pb_grpc  # noqa: E402


class Calculator(pb_grpc.CalculatorServicer):
    def Add(self, request, context):
        context.set_trailing_metadata((("x-served-by", "python"),))
        return pb.Result(value=request.a + request.b)

    def Multiply(self, request, context):
        return pb.Result(value=request.a * request.b)

    def Divide(self, request, context):
        if request.b == 0:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, "division by zero")
        return pb.Result(value=request.a / request.b)

    def Countdown(self, request, context):
        for value in range(getattr(request, "from"), -1, -1):
            if not context.is_active():
                return
            time.sleep(0.001)  # slow enough for a deadline to pass mid-stream
            yield pb.Tick(value=value)

    def Sum(self, request_iterator, context):
        return pb.Result(value=sum(operand.value for operand in request_iterator))

    def RunningTotal(self, request_iterator, context):
        total = 0.0
        for operand in request_iterator:
            total += operand.value
            yield pb.Result(value=total)


server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
pb_grpc.add_CalculatorServicer_to_server(Calculator(), server)
port = server.add_insecure_port(sys.argv[1])
server.start()
print(f"listening on {port}", flush=True)
server.wait_for_termination()
