"""A minimal NATS client on Python's standard library: the text protocol's INFO, CONNECT,
PING/PONG, SUB, PUB and MSG/HMSG (https://docs.nats.io/reference/reference-protocols/nats-protocol).
Enough for nats_bob.py and nats_worker.py; not a general client (no reconnect, no TLS).
"""
import json
import socket
import uuid
from urllib.parse import unquote, urlparse


class Nats:
    def __init__(self, url):
        u = urlparse(url)
        self.sock = socket.create_connection((u.hostname, u.port or 4222))
        self.file = self.sock.makefile("rb")
        self.info = json.loads(self.line().split(" ", 1)[1])  # INFO {...}
        connect = {"verbose": False, "pedantic": False, "headers": True, "no_responders": True, "name": "python"}
        if u.username:
            connect.update(user=unquote(u.username), **{"pass": unquote(u.password or "")})
        self.send(f"CONNECT {json.dumps(connect)}\r\nPING\r\n".encode())
        reply = self.line()
        if reply != "PONG":
            raise ConnectionError(reply)  # -ERR 'Authorization Violation', say
        self.subject = unquote(u.path.lstrip("/")).replace("/", ".")
        self.sids = 0

    def line(self):
        return self.file.readline().decode().rstrip("\r\n")

    def send(self, data):
        self.sock.sendall(data)

    def sub(self, subject, queue=""):
        self.sids += 1
        self.send(f"SUB {subject} {queue} {self.sids}\r\n".replace("  ", " ").encode())
        return self.sids

    def pub(self, subject, payload, reply=""):
        body = payload.encode()
        self.send(f"PUB {subject} {reply} {len(body)}\r\n".replace("  ", " ").encode() + body + b"\r\n")

    def inbox(self):
        return "_INBOX." + uuid.uuid4().hex

    def next(self):
        """The next message: (subject, reply, headers, payload); answers the server's PINGs meanwhile."""
        while True:
            line = self.line()
            if line == "PING":
                self.send(b"PONG\r\n")
                continue
            if line == "":
                raise ConnectionError("the server closed the connection")
            parts = line.split(" ")
            if parts[0] == "MSG":  # MSG <subject> <sid> [reply] <bytes>
                size, header_size = int(parts[-1]), 0
            elif parts[0] == "HMSG":  # HMSG <subject> <sid> [reply] <header bytes> <total bytes>
                size, header_size = int(parts[-1]), int(parts[-2])
            else:
                continue  # +OK, INFO updates, PONG
            data = self.file.read(size + 2)[:size]
            reply = parts[3] if len(parts) == (5 if parts[0] == "MSG" else 6) else ""
            headers = data[:header_size].decode()
            return parts[1], reply, headers, data[header_size:].decode()
