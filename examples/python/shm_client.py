#!/usr/bin/env python3
"""Call an Interoffice Calculator over shared memory, standard library only.

    python3 shm_client.py calc        # the server listens on shm://calc

The server's segment is /dev/shm/interoffice-<name>. This client claims a slot in it,
writes JSON-RPC requests into the slot's request ring and reads the responses from its
response ring, sleeping on a futex (through ctypes) when there is nothing to read. The
layout, the rings and the wake-ups are specified in docs/transports/shm.md ("Wire format").

x86-64 Linux only: it relies on x86's ordering of plain loads and stores (other CPUs
need fences, which Python cannot issue) and on x86-64's futex system call number.
"""
import ctypes
import fcntl
import json
import mmap
import os
import platform
import re
import struct
import sys
import time

MAGIC, VERSION = 0x4D534F49, 1
# Header fields (byte offsets).
H_VERSION, H_SERVER_PID, H_SERVER_START, H_STATE = 4, 8, 16, 24
H_SLOT_COUNT, H_RING_BYTES, H_SLOT_BYTES, H_SLOTS_OFFSET = 28, 32, 36, 40
H_SERVER_PID_NS, H_SERVER_BELL, SERVER_READY = 48, 64, 1
# Slot fields (byte offsets from the slot's start) and states.
S_STATE, S_OWNER_PID, S_OWNER_START = 0, 4, 8
S_CLIENT_BELL, S_CLIENT_SLEEPING = 64, 68
S_REQUEST_HEAD, S_REQUEST_WAITING, S_REQUEST_TAIL = 128, 132, 192
S_RESPONSE_HEAD, S_RESPONSE_WAITING, S_RESPONSE_TAIL = 256, 260, 320
S_DATA = 384
FREE, OPEN, CLIENT_CLOSED = 0, 1, 2
MORE = 0x80000000  # record header: more chunks of this frame follow

SYS_FUTEX = 202  # x86-64
FUTEX_WAIT, FUTEX_WAKE, FUTEX_WAKE_OP = 0, 1, 5
OP_SET, OP_ADD = 0, 1
SPIN_SECONDS = 0.0001  # look at the ring this long before sleeping
NAP_SECONDS = 0.05  # longest sleep between checks that the server still runs
FULL_WAIT_SECONDS = 0.1  # how long to wait for the server to free a slot when none is free

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


class Timespec(ctypes.Structure):
    _fields_ = [("tv_sec", ctypes.c_long), ("tv_nsec", ctypes.c_long)]


class Word:
    """One 32-bit word of the mapping. get/set are single aligned 4-byte loads and stores."""

    def __init__(self, mm, offset):
        self.cell = ctypes.c_uint32.from_buffer(mm, offset)
        self.address = ctypes.c_void_p(ctypes.addressof(self.cell))

    def get(self):
        return self.cell.value

    def set(self, value):
        self.cell.value = value & 0xFFFFFFFF

    def wait(self, expected, seconds):
        """Sleep while the word holds `expected` (FUTEX_WAIT), at most `seconds`."""
        ts = Timespec(int(seconds), int((seconds % 1) * 1e9))
        libc.syscall(SYS_FUTEX, self.address, FUTEX_WAIT, ctypes.c_uint32(expected), ctypes.byref(ts), None, 0)

    def atomically(self, op, arg, wake=None):
        """FUTEX_WAKE_OP: the kernel applies `op arg` to this word atomically (a full memory
        barrier, which Python has no other way to issue), then wakes one waiter of `wake`."""
        target = wake if wake is not None else self
        encoded = (op << 28) | (arg << 12)
        libc.syscall(SYS_FUTEX, target.address, FUTEX_WAKE_OP, 1 if wake is not None else 0,
                     None, self.address, encoded)


def process_runs(pid, start):
    """Whether process `pid`, started at `start` (clock ticks since boot), still runs."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except FileNotFoundError:
        return False
    fields = stat[stat.rindex(")") + 2:].split()
    return fields[0] not in ("Z", "X") and (start == 0 or int(fields[19]) == start)


def pad4(n):
    return (n + 3) & ~3


class Ring:
    """One side of a ring: its head, writer-waiting flag, tail and data, from the slot's base."""

    def __init__(self, mm, base, head, waiting, tail, data, size):
        self.mm, self.data, self.size = mm, base + data, size
        self.head, self.waiting, self.tail = Word(mm, base + head), Word(mm, base + waiting), Word(mm, base + tail)


class Alice:
    """A connection to the server at shm://<name>."""

    def __init__(self, name):
        if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}", name):
            raise ValueError(f"invalid shm name {name!r}")
        if platform.machine() not in ("x86_64", "AMD64"):
            raise OSError("this example needs x86-64 (see its docstring)")
        path = f"/dev/shm/interoffice-{name}"
        self.fd = os.open(path, os.O_RDWR | os.O_NOFOLLOW)
        st = os.fstat(self.fd)
        if st.st_uid != os.getuid() or st.st_mode & 0o077:
            raise PermissionError(f"{path} is not a private segment of this user")
        self.mm = mmap.mmap(self.fd, st.st_size)
        magic, version, self.server_pid, _, self.server_start, state, count, ring_bytes, slot_bytes, slots_offset = \
            struct.unpack_from("<IIIIQIIIII", self.mm, 0)
        if magic != MAGIC or version != VERSION:
            raise ConnectionError(f"{path} is not an Interoffice segment of layout version {VERSION}")
        if ring_bytes < 4096 or ring_bytes & (ring_bytes - 1) or slot_bytes != S_DATA + 2 * ring_bytes \
                or slots_offset != 256 or slots_offset + count * slot_bytes > st.st_size:
            raise ConnectionError(f"{path} has an unsound header")
        pid_ns = struct.unpack_from("<Q", self.mm, H_SERVER_PID_NS)[0]
        if pid_ns not in (0, int(re.sub(r"\D", "", os.readlink("/proc/self/ns/pid")))):
            raise ConnectionError(f"the server at shm://{name} runs in another PID namespace")
        if state != SERVER_READY or not process_runs(self.server_pid, self.server_start):
            raise ConnectionError(f"nothing listens at shm://{name}")
        self.server_bell = Word(self.mm, H_SERVER_BELL)
        self.base = self.claim(count, slot_bytes, slots_offset)
        self.state = Word(self.mm, self.base + S_STATE)
        self.owner = Word(self.mm, self.base + S_OWNER_PID)
        self.bell = Word(self.mm, self.base + S_CLIENT_BELL)
        self.sleeping = Word(self.mm, self.base + S_CLIENT_SLEEPING)
        self.requests = Ring(self.mm, self.base, S_REQUEST_HEAD, S_REQUEST_WAITING, S_REQUEST_TAIL, S_DATA, ring_bytes)
        self.responses = Ring(self.mm, self.base, S_RESPONSE_HEAD, S_RESPONSE_WAITING, S_RESPONSE_TAIL,
                              S_DATA + ring_bytes, ring_bytes)
        self.ring_server()  # the server looks for new clients when its bell moves
        self.next_id = 0

    def claim(self, count, slot_bytes, slots_offset):
        """Take a free slot. None free: ring the server, which frees the slots of clients that are
        gone (and of processes that broke the protocol) when it looks, and look again a while."""
        with open(f"/proc/{os.getpid()}/stat") as f:
            stat = f.read()
        own_start = int(stat[stat.rindex(")") + 2:].split()[19])
        deadline = time.monotonic() + FULL_WAIT_SECONDS
        base = self.claim_free(count, slot_bytes, slots_offset, own_start)
        if base is None:
            self.ring_server()
        while base is None and time.monotonic() < deadline:
            time.sleep(0.002)
            base = self.claim_free(count, slot_bytes, slots_offset, own_start)
        if base is None:
            raise ConnectionError("all the server's connections are in use")
        return base

    def claim_free(self, count, slot_bytes, slots_offset, own_start):
        """Take the first free slot under the segment's flock (the slot table's lock), or None."""
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        try:
            for i in range(count):
                base = slots_offset + i * slot_bytes
                state = Word(self.mm, base + S_STATE)
                if state.get() != FREE:
                    continue
                for offset in range(4, S_DATA, 4):  # owner, doorbell, ring indices: all zero
                    Word(self.mm, base + offset).set(0)
                Word(self.mm, base + S_OWNER_PID).set(os.getpid())
                Word(self.mm, base + S_OWNER_START).set(own_start)
                Word(self.mm, base + S_OWNER_START + 4).set(own_start >> 32)
                state.atomically(OP_SET, OPEN)  # a full barrier, then the header's state is read
                if Word(self.mm, H_STATE).get() != SERVER_READY:
                    state.set(CLIENT_CLOSED)
                    raise ConnectionError("the server has closed")
                return base
            return None
        finally:
            fcntl.flock(self.fd, fcntl.LOCK_UN)

    def still_ours(self):
        """Whether the slot is still this connection's: open, and owned by this process (a server
        takes back a slot some other process broke, and may have handed it on since)."""
        return self.state.get() == OPEN and self.owner.get() == os.getpid()

    def ring_server(self):
        """Bump the server's doorbell and wake it: one atomic kernel operation."""
        self.server_bell.atomically(OP_ADD, 1, wake=self.server_bell)

    def wait_until(self, ready):
        """Spin briefly, then sleep on our doorbell until `ready()`; fail if the server goes."""
        spin_until = time.monotonic() + SPIN_SECONDS
        while not ready():
            if time.monotonic() < spin_until:
                continue
            seq = self.bell.get()
            self.sleeping.atomically(OP_SET, 1)  # store, barrier, then look again
            if not ready():
                self.bell.wait(seq, NAP_SECONDS)
            self.sleeping.set(0)
            if not self.still_ours():
                raise ConnectionError("the server closed the connection")
            if not process_runs(self.server_pid, self.server_start):
                raise ConnectionError(f"the server process (pid {self.server_pid}) exited")

    def write(self, frame):
        """Write one frame as records, in chunks when it does not fit at once; then wake the server."""
        r, off = self.requests, 0
        while off < len(frame):
            head = r.head.get()
            free = r.size - ((head - r.tail.get()) & 0xFFFFFFFF)
            pos = head & (r.size - 1)
            at, to_end = r.data + pos, r.size - pos
            if to_end == 4 and free >= 4:  # only a header fits before the end: an empty chunk
                struct.pack_into("<I", self.mm, at, MORE)
                r.head.set(head + 4)
                continue
            n = min(len(frame) - off, to_end - 4, free - 4)
            if n <= 0:  # full: ask the server to wake us when it frees room
                r.waiting.atomically(OP_SET, 1)
                self.ring_server()
                self.wait_until(lambda: r.size - ((r.head.get() - r.tail.get()) & 0xFFFFFFFF) >= 8)
                continue
            self.mm[at + 4:at + 4 + n] = frame[off:off + n]
            off += n
            struct.pack_into("<I", self.mm, at, n | (MORE if off < len(frame) else 0))
            r.head.set(head + 4 + pad4(n))  # publish: x86 keeps the stores above before this one
            self.ring_server()

    def read(self):
        """Read one whole frame, waiting for it."""
        r, parts = self.responses, []
        while True:
            tail = r.tail.get()
            self.wait_until(lambda: r.head.get() != tail)
            at = r.data + (tail & (r.size - 1))
            header = struct.unpack_from("<I", self.mm, at)[0]
            n = header & ~MORE
            parts.append(self.mm[at + 4:at + 4 + n])
            r.tail.set(tail + 4 + pad4(n))
            if r.waiting.get():  # the server waits for room: tell it there is some
                r.waiting.set(0)
                self.ring_server()
            if not header & MORE:
                return b"".join(parts)

    def call(self, method, *args, **kwargs):
        """Positional args map onto the method's fields in order; keywords by name."""
        if not self.still_ours():
            raise ConnectionError("the server closed the connection")
        self.next_id += 1
        self.write(json.dumps({"jsonrpc": "2.0", "id": self.next_id, "method": method,
                               "params": kwargs if kwargs else list(args)}).encode())
        while True:
            response = json.loads(self.read())
            if response.get("id") == self.next_id:
                break
        if "error" in response:
            error = response["error"]
            data = error.get("data", {})
            raise AliceError(data.get("code", error["code"]), data.get("name", ""), error["message"])
        return response["result"]

    def close(self):
        """Leave: the slot is the server's to free (unless it took it back already)."""
        if self.owner.get() == os.getpid():
            self.state.set(CLIENT_CLOSED)
        self.ring_server()
        # ctypes views pin the mapping; drop them before unmapping.
        del self.state, self.owner, self.bell, self.sleeping, self.server_bell, self.requests, self.responses
        self.mm.close()
        os.close(self.fd)


class AliceError(Exception):
    def __init__(self, code, name, message):
        super().__init__(f"{code} {name}: {message}".replace(" :", ":"))
        self.code = code


if __name__ == "__main__":
    alice = Alice(sys.argv[1] if len(sys.argv) > 1 else "calc")
    print(f"add(2, 5) = {alice.call('add', 2, 5)}")
    print(f"multiply(8, 5) = {alice.call('Calculator.multiply', a=8, b=5)}")
    try:
        alice.call("divide", 1, 0)
    except AliceError as e:
        print(f"divide(1, 0) failed: {e}")
    alice.close()
