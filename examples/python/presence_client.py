#!/usr/bin/env python3
"""Watch a service's presence by signal, as the seed's Bob does, standard library only.

    python3 presence_client.py /run/user/1000/calc.pids

Registers this process in the service's PID folder (a file named after the PID,
holding the process's start time from /proc/self/stat, so the service can tell this
process from a later one with the same PID), prints "online" or "offline" for each
announcement, and unregisters when stdin closes (docs/presence.md).
"""
import os
import signal
import sys

ONLINE, OFFLINE = signal.SIGWINCH, signal.SIGURG  # Interoffice's defaults


def start_time():
    stat = open("/proc/self/stat").read()
    return stat[stat.rindex(")") + 2:].split()[19]  # field 22: start time in clock ticks since boot


def main(folder):
    signal.signal(ONLINE, lambda *_: print("online", flush=True))
    signal.signal(OFFLINE, lambda *_: print("offline", flush=True))
    os.makedirs(folder, mode=0o700, exist_ok=True)
    path = os.path.join(folder, str(os.getpid()))
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
        f.write(start_time() + "\n")  # listening first, registered second
    print("registered", flush=True)
    try:
        sys.stdin.read()  # a signal interrupts the read, runs its handler, and the read goes on
    finally:
        os.unlink(path)


if __name__ == "__main__":
    main(sys.argv[1])
