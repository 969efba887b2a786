#!/usr/bin/env python3
"""Alice in Python, serving the zod-defined Calculator's .proto (see grpc_zod_client.py).

    python3 grpc_zod_server.py 127.0.0.1:0 /tmp/zod-stubs      # prints "listening on <port>"

The TypeScript client built from the zod service itself (createClient(Calculator, ...))
calls it over the gRPC transport. RPCs are PascalCase (the zod `add` is `Add`), and each
has its own response message: a number is its one field, `value`.
"""
import sys
import time
from concurrent import futures

import grpc

sys.path.insert(0, sys.argv[2])
import calculator_pb2 as pb  # noqa: E402
import calculator_pb2_grpc as pb_grpc  # noqa: E402


class Calculator(pb_grpc.CalculatorServicer):
    def Add(self, request, context):
        return pb.AddResponse(value=request.a + request.b)

    def Multiply(self, request, context):
        return pb.MultiplyResponse(value=request.a * request.b)

    def Divide(self, request, context):
        if request.b == 0:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, "division by zero")
        return pb.DivideResponse(value=request.a / request.b)

    def Countdown(self, request, context):
        for value in range(getattr(request, "from"), -1, -1):
            if not context.is_active():
                return
            time.sleep(0.001)
            yield pb.CountdownResponse(value=value)

    def Note(self, request, context):
        print(f"note: {request.text}", flush=True)
        return pb.NoteResponse()


server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
pb_grpc.add_CalculatorServicer_to_server(Calculator(), server)
port = server.add_insecure_port(sys.argv[1])
server.start()
print(f"listening on {port}", flush=True)
server.wait_for_termination()
