#!/usr/bin/env python3
"""Start a Calculator server and call it over its stdin/stdout, standard library only.

    python3 stdio_client.py node alice.js --listen stdio:

The wire is plain JSON-RPC 2.0, one message per line (docs/protocol.md). The
server's stderr is its log and is passed through; its stdout carries only frames.
"""
import json
import subprocess
import sys


class AliceError(Exception):
    def __init__(self, code, name, message):
        super().__init__(f"{code} {name}: {message}".replace(" :", ":"))
        self.code = code


class Alice:
    def __init__(self, command):
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.next_id = 0

    def call(self, method, *args, **kwargs):
        """Positional args map onto the method's fields in order; keywords by name."""
        self.next_id += 1
        request = {"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": kwargs if kwargs else list(args)}
        self.process.stdin.write(json.dumps(request).encode() + b"\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise ConnectionError(f"the server exited with code {self.process.wait()}")
        response = json.loads(line)
        if "error" in response:
            error = response["error"]
            data = error.get("data", {})
            raise AliceError(data.get("code", error["code"]), data.get("name", ""), error["message"])
        return response["result"]

    def close(self):
        """Closing its stdin asks the server to exit."""
        self.process.stdin.close()
        return self.process.wait(timeout=10)


if __name__ == "__main__":
    alice = Alice(sys.argv[1:])
    print(f"add(2, 5) = {alice.call('add', 2, 5)}")
    print(f"multiply(8, 5) = {alice.call('Calculator.multiply', a=8, b=5)}")
    try:
        alice.call("divide", 1, 0)
    except AliceError as e:
        print(f"divide(1, 0) failed: {e}")
    print(f"the server exited with code {alice.close()}")
