#!/usr/bin/env python3
"""Call an Interoffice Calculator over its unix socket, standard library only.

    python3 socket_client.py /tmp/interoffice-calculator.sock [shared-key]

The wire is plain JSON-RPC 2.0, one message per line (docs/protocol.md).
With a shared key, the client first answers the server's HMAC challenge.
"""
import base64
import hashlib
import hmac
import json
import os
import socket
import sys


class Alice:
    def __init__(self, path, key=None):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.reader = self.sock.makefile("rb")
        self.next_id = 0
        if key is not None:
            self.authenticate(key.encode())

    def send(self, message):
        self.sock.sendall(json.dumps(message).encode() + b"\n")

    def receive(self):
        line = self.reader.readline()
        if not line:
            raise ConnectionError("the server closed the connection")
        return json.loads(line)

    def authenticate(self, key):
        def mac(label, nonce):
            return base64.b64encode(
                hmac.new(key, label + base64.b64decode(nonce), hashlib.sha256).digest()
            ).decode()

        challenge = self.receive()
        assert challenge["method"] == "rpc.auth.challenge", challenge
        ours = base64.b64encode(os.urandom(32)).decode()
        self.send({"jsonrpc": "2.0", "method": "rpc.auth.response",
                   "params": {"mac": mac(b"client", challenge["params"]["nonce"]), "nonce": ours}})
        welcome = self.receive()
        if welcome.get("method") != "rpc.auth.welcome":
            raise PermissionError(welcome["error"]["message"])
        if not hmac.compare_digest(welcome["params"]["mac"], mac(b"server", ours)):
            raise PermissionError("the server does not know the key")

    def call(self, method, *args, **kwargs):
        """Positional args map onto the method's fields in order; keywords by name."""
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method,
                   "params": kwargs if kwargs else list(args)})
        response = self.receive()
        if "error" in response:
            error = response["error"]
            data = error.get("data", {})
            raise AliceError(data.get("code", error["code"]), data.get("name", ""), error["message"])
        return response["result"]


class AliceError(Exception):
    def __init__(self, code, name, message):
        super().__init__(f"{code} {name}: {message}".replace(" :", ":"))
        self.code = code


if __name__ == "__main__":
    alice = Alice(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None)
    print(f"add(2, 5) = {alice.call('add', 2, 5)}")
    print(f"multiply(8, 5) = {alice.call('Calculator.multiply', a=8, b=5)}")
    try:
        alice.call("divide", 1, 0)
    except AliceError as e:
        print(f"divide(1, 0) failed: {e}")
