#!/usr/bin/env python3
"""Call an Interoffice Calculator over its unix socket, standard library only.

    python3 socket_client.py $XDG_RUNTIME_DIR/interoffice/calculator.sock   # key in INTEROFFICE_AUTH_KEY, if any

The wire is plain JSON-RPC 2.0, one message per line (docs/protocol.md).
The socket must belong to this user or root (as the TypeScript client checks).
With a shared key, the server proves it first, then the client
(docs/transports/socket.md, "Wire format").
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
        # Open the socket file for its inode only and dial that, so the owner checked is
        # the owner of the socket reached (Linux; elsewhere a stat, then the connect).
        pinned = os.open(path, os.O_PATH) if hasattr(os, "O_PATH") else None
        try:
            target = f"/proc/self/fd/{pinned}" if pinned is not None else path
            owner = os.stat(target).st_uid
            if owner not in (os.geteuid(), 0):
                raise PermissionError(f"{path} belongs to uid {owner}, not to this user or root")
            self.address = "unix://" + (os.readlink(target) if pinned is not None else os.path.realpath(path))
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.sock.connect(target)
        finally:
            if pinned is not None:
                os.close(pinned)
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
        def mac(label, ns, nc, address):
            data = label + b"\0" + ns + nc + address.encode()
            return base64.b64encode(hmac.new(key, data, hashlib.sha256).digest()).decode()

        ours = os.urandom(32)
        # A request (it has an id), so a server without a key answers at once instead of saying nothing.
        self.send({"jsonrpc": "2.0", "id": "rpc.auth.hello", "method": "rpc.auth.hello",
                   "params": {"alg": "hmac-sha256", "nonce": base64.b64encode(ours).decode()}})
        challenge = self.receive()
        if challenge.get("id") == "rpc.auth.hello":
            raise PermissionError("the server asks for no key")
        if challenge.get("method") != "rpc.auth.challenge":
            raise PermissionError(f"no challenge: {challenge}")
        params = challenge["params"]
        # The server proves first, for the address it was reached at: ours, or a relay is in between.
        if params["address"] != self.address:
            raise PermissionError(f"the server answered for {params['address']}, but we dialed {self.address}")
        theirs = base64.b64decode(params["nonce"])
        if not hmac.compare_digest(params["mac"], mac(b"server to client", theirs, ours, self.address)):
            raise PermissionError("the server does not know the key")
        self.send({"jsonrpc": "2.0", "method": "rpc.auth.response",
                   "params": {"mac": mac(b"client to server", theirs, ours, self.address)}})
        welcome = self.receive()
        if welcome.get("method") != "rpc.auth.welcome":
            raise PermissionError(welcome["error"]["message"])

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
    # The key from the environment, not the command line, where `ps` shows it to everyone.
    alice = Alice(sys.argv[1], os.environ.get("INTEROFFICE_AUTH_KEY"))
    print(f"add(2, 5) = {alice.call('add', 2, 5)}")
    print(f"multiply(8, 5) = {alice.call('Calculator.multiply', a=8, b=5)}")
    try:
        alice.call("divide", 1, 0)
    except AliceError as e:
        print(f"divide(1, 0) failed: {e}")
