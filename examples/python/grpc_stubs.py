"""Generate Python gRPC stubs from a .proto with grpc_tools (Debian: python3-grpc-tools).

    python3 grpc_stubs.py <proto root> <file.proto> <out dir>

The same command by hand:
    python3 -m grpc_tools.protoc -I <proto root> -I <grpc_tools>/_proto \\
        --python_out=<out> --grpc_python_out=<out> <file.proto>
"""
import os
import sys

import grpc_tools
from grpc_tools import protoc


def generate(root, proto, out):
    """Write <name>_pb2.py and <name>_pb2_grpc.py for `proto` (relative to `root`) under `out`."""
    well_known = os.path.join(os.path.dirname(grpc_tools.__file__), "_proto")
    os.makedirs(out, exist_ok=True)
    code = protoc.main(["protoc", f"-I{root}", f"-I{well_known}", f"--python_out={out}", f"--grpc_python_out={out}", proto])
    if code != 0:
        raise SystemExit(f"protoc failed with {code}")


if __name__ == "__main__":
    generate(*sys.argv[1:4])
