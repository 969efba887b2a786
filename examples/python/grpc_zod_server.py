#!/usr/bin/env python3
"""Alice in Python, serving the zod-defined Calculator's .proto (see grpc_zod_client.py).

    python3 grpc_zod_server.py 127.0.0.1:0 /tmp/zod-stubs      # prints "listening on <port>"

The TypeScript client built from the zod service itself (createClient(Calculator, ...))
calls it over the gRPC transport.
"""
import sys
import time
from concurrent import futures

import grpc
from google.protobuf import empty_pb2, wrappers_pb2

sys.path.insert(0, sys.argv[2])
import calculator_pb2_grpc as pb_grpc  # noqa: E402


class Calculator(pb_grpc.CalculatorServicer):
    def add(self, request, context):
        return wrappers_pb2.DoubleValue(value=request.a + request.b)

    def multiply(self, request, context):
        return wrappers_pb2.DoubleValue(value=request.a * request.b)

    def divide(self, request, context):
        if request.b == 0:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, "division by zero")
        return wrappers_pb2.DoubleValue(value=request.a / request.b)

    def countdown(self, request, context):
        for value in range(getattr(request, "from"), -1, -1):
            if not context.is_active():
                return
            time.sleep(0.001)
            yield wrappers_pb2.Int64Value(value=value)

    def note(self, request, context):
        print(f"note: {request.text}", flush=True)
        return empty_pb2.Empty()


server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
pb_grpc.add_CalculatorServicer_to_server(Calculator(), server)
port = server.add_insecure_port(sys.argv[1])
server.start()
print(f"listening on {port}", flush=True)
server.wait_for_termination()
