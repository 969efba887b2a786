#!/usr/bin/env python3
"""Call an Interoffice Calculator over its named pipes (FIFOs), standard library only.

    python3 fifo_client.py /tmp/calc        (the server listens on fifo:///tmp/calc)

The server's folder holds its requests FIFO. A client makes a FIFO pair of its own
there, asks for a connection with one short line on the requests FIFO, waits for the
server's ready line, and then speaks plain JSON-RPC 2.0, one message per line, over
its pair (docs/transports/pipe.md, "Wire format"). Whoever owns the folder reads what
is written there, so the client first checks that it is its own user's (or root's) and
that nobody else can write in it.
"""
import json
import os
import secrets
import select
import stat
import sys


class AliceError(Exception):
    def __init__(self, code, name, message):
        super().__init__(f"{code} {name}: {message}".replace(" :", ":"))
        self.code = code


class Alice:
    def __init__(self, folder, timeout=5):
        st = os.lstat(folder)
        if not stat.S_ISDIR(st.st_mode) or st.st_uid not in (os.geteuid(), 0) or st.st_mode & 0o022:
            raise PermissionError(f"{folder} is not a folder of this user (or root) closed to others: refusing to talk to it")
        self.id = secrets.token_urlsafe(12)
        self.req, self.res = (os.path.join(folder, f"{self.id}.{end}") for end in ("req", "res"))
        os.mkfifo(self.req, 0o600)
        os.mkfifo(self.res, 0o600)
        # Our read end first, without waiting for a writer: the server opens its end next.
        fd = os.open(self.res, os.O_RDONLY | os.O_NONBLOCK)
        door = os.open(os.path.join(folder, "requests"), os.O_WRONLY | os.O_NONBLOCK)  # ENXIO: no server
        opening = {"jsonrpc": "2.0", "method": "rpc.fifo.open", "params": {"id": self.id}}
        os.write(door, json.dumps(opening).encode() + b"\n")  # one write of < 4096 bytes: atomic
        os.close(door)
        # Wait until the server has written: a read before its end is open would see end-of-file.
        if not select.select([fd], [], [], timeout)[0]:
            raise TimeoutError("the server did not answer")
        os.set_blocking(fd, True)
        self.reader = os.fdopen(fd, "rb")
        ready = json.loads(self.reader.readline())
        assert ready["method"] == "rpc.fifo.ready", ready
        self.writer = open(self.req, "wb", buffering=0)
        self.next_id = 0

    def call(self, method, *args, **kwargs):
        """Positional args map onto the method's fields in order; keywords by name."""
        self.next_id += 1
        request = {"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": kwargs if kwargs else list(args)}
        self.writer.write(json.dumps(request).encode() + b"\n")
        line = self.reader.readline()
        if not line:
            raise ConnectionError("the server closed the connection")
        response = json.loads(line)
        if "error" in response:
            error = response["error"]
            data = error.get("data", {})
            raise AliceError(data.get("code", error["code"]), data.get("name", ""), error["message"])
        return response["result"]

    def close(self):
        """Closing our write end tells the server we are gone; the pair is ours to remove."""
        self.writer.close()
        self.reader.close()
        for path in (self.req, self.res):
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass


if __name__ == "__main__":
    alice = Alice(sys.argv[1])
    print(f"add(2, 5) = {alice.call('add', 2, 5)}")
    print(f"multiply(8, 5) = {alice.call('Calculator.multiply', a=8, b=5)}")
    try:
        alice.call("divide", 1, 0)
    except AliceError as e:
        print(f"divide(1, 0) failed: {e}")
    alice.close()
