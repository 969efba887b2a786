#!/usr/bin/env python3
"""Bob calls an Interoffice Calculator over HTTP, with nothing but Python's standard library (urllib).

    python3 http_bob.py http://127.0.0.1:8080/rpc/

Written from docs/transports/http.md#wire-format: a call is a POST of one JSON-RPC 2.0
request to the endpoint (Content-Type: application/json), answered by the JSON-RPC response;
a server stream answers one JSON-RPC message per line (NDJSON) as the items come; a
deadline and metadata may travel as headers; a method marked noSideEffects may be called
by GET <endpoint><method>?<params>.
"""
import json
import sys
import urllib.error
import urllib.parse
import urllib.request


class BobError(Exception):
    def __init__(self, code, name, message):
        super().__init__(f"{code} {name}: {message}".replace(" :", ":"))
        self.code = code


def raise_for(error):
    data = error.get("data", {})
    raise BobError(data.get("code", error["code"]), data.get("name", ""), error["message"])


def post(url, body, headers=None):
    data = json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method="POST", headers={"Content-Type": "application/json", **(headers or {})})
    return urllib.request.urlopen(request, timeout=10)


def call(url, method, *args, timeout_ms=None, meta=None, **kwargs):
    """One call: POST the request, read the response. The deadline and metadata go as headers."""
    headers = {f"Interoffice-Meta-{k}": v for k, v in (meta or {}).items()}
    if timeout_ms is not None:
        headers["Interoffice-Timeout-Ms"] = str(timeout_ms)
    with post(url, {"jsonrpc": "2.0", "id": 1, "method": method, "params": kwargs if kwargs else list(args)}, headers) as r:
        response = json.load(r)
    if "error" in response:
        raise_for(response["error"])
    return response["result"]


def stream(url, method, **kwargs):
    """A server stream: the response is NDJSON, one message a line, read as it arrives."""
    with post(url, {"jsonrpc": "2.0", "id": 2, "method": method, "params": kwargs}) as r:
        for line in r:
            message = json.loads(line)
            if "item" in message:
                yield message["item"]
            elif "error" in message:
                raise_for(message["error"])
            else:
                return


def get(url, method, **query):
    """A read (a method marked noSideEffects): GET with the params in the query; the body is the plain result."""
    try:
        with urllib.request.urlopen(f"{url}{method}?{urllib.parse.urlencode(query)}", timeout=10) as r:
            return json.load(r)
    except urllib.error.HTTPError as e:
        error = json.load(e)
        raise BobError(error.get("data", {}).get("code", e.code), "", error["message"]) from None


if __name__ == "__main__":
    url = sys.argv[1]
    print(f"add(2, 5) = {call(url, 'add', 2, 5)}")
    print(f"multiply(8, 5) = {call(url, 'Calculator.multiply', a=8, b=5)}")
    print(f"GET add?a=2&b=5 = {get(url, 'Calculator.add', a=2, b=5)}")
    try:
        get(url, "Calculator.divide", a=1, b=2)
    except BobError as e:
        print(f"GET divide refused: {e.code}")
    try:
        call(url, "divide", 1, 0)
    except BobError as e:
        print(f"divide(1, 0) failed: {e}")
    print(f"countdown(3) = {list(stream(url, 'countdown', **{'from': 3}))}")
    try:
        call(url, "wait", timeout_ms=200, ms=5000)
    except BobError as e:
        print(f"wait(5000) with a 200 ms deadline failed: {e.code}")
