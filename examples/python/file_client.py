#!/usr/bin/env python3
"""Call an Interoffice Calculator through its shared file, like the seed's Bob, done carefully.

    cd /tmp/calc && python3 file_client.py      (the folder that holds shared.json)

Needs the filelock package (Debian: python3-filelock). The format is the seed's
(docs/transports/file.md#wire-format); unlike the seed's Bob this client truncates what it
writes, removes its entries once answered, and reads the error's canonical code.
"""
import json
import time
import uuid

from filelock import FileLock

lock = FileLock("shared.json.lock")


def update(change):
    """Run change(data) on the document under the lock; write it back if it returns True."""
    with lock, open("shared.json", "r+") as f:
        data = json.load(f)
        if change(data):
            f.seek(0)
            json.dump(data, f)
            f.truncate()


def call(command, *args, **kwargs):
    """Positional args as the seed writes them; keyword args become a named `args` object."""
    key = str(uuid.uuid4())
    update(lambda data: data["commands"].__setitem__(key, {"command": command, "args": kwargs or list(args)}) or True)
    answer = {}

    def take(data):
        entry = data["commands"][key]
        if "result" not in entry and "error" not in entry:
            return False
        answer.update(data["commands"].pop(key))
        return True

    while not answer:
        update(take)
        if not answer:
            time.sleep(0.01)
    if "error" in answer:
        code = answer.get("errorData", {}).get("code", "UNKNOWN")
        raise AliceError(code, answer.get("errorData", {}).get("name", ""), answer["error"])
    return answer["result"]


class AliceError(Exception):
    def __init__(self, code, name, message):
        super().__init__(f"{code} {name}: {message}".replace(" :", ":"))
        self.code = code


if __name__ == "__main__":
    print(f"add(2, 5) = {call('add', 2, 5)}")
    print(f"multiply(8, 5) = {call('Calculator.multiply', a=8, b=5)}")
    try:
        call("divide", 1, 0)
    except AliceError as e:
        print(f"divide(1, 0) failed: {e}")
