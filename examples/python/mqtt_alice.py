#!/usr/bin/env python3
"""Serve a Calculator to Interoffice clients through an MQTT 5 broker, with Debian's python3-paho-mqtt (1.6).

    python3 mqtt_alice.py mqtt://127.0.0.1:1883/calc

Written from docs/transports/mqtt.md#wire-format: the worker takes requests from the service's
topic through the shared subscription $share/interoffice/<service> (competing with
Interoffice's own workers), and publishes each answer to the request's response topic with
its correlation data. It announces itself with a retained message on
<service>/~workers/<id>, which its will clears should it die: Interoffice clients connect
only while some worker is there. Prints "ready" once subscribed; stops on SIGTERM.
"""
import json
import signal
import sys
import threading
import uuid
from urllib.parse import unquote, urlparse

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

# JSON-RPC error codes and canonical codes (protocol.md#errors).
INVALID, UNKNOWN_METHOD = (-32602, "INVALID_ARGUMENT"), (-32601, "UNIMPLEMENTED")


class AliceBroke(Exception):
    """The service's own error: Interoffice clients that declare it rebuild it by name."""


def add(a, b):
    return a + b


def multiply(a, b):
    return a * b


def divide(a, b):
    if b == 0:
        raise AliceBroke("division by zero")
    return a / b


METHODS = {"add": add, "multiply": multiply, "divide": divide}


def error(request_id, code, message, name=None):
    data = {"code": code[1]}
    if name:
        data["name"] = name
    return {"jsonrpc": "2.0", "id": request_id, "error": {"code": code[0], "message": message, "data": data}}


def answer(payload):
    """The response to one request, or None for a notification."""
    try:
        request = json.loads(payload)
    except ValueError:
        return error(None, (-32700, "INVALID_ARGUMENT"), "parse error")
    if not isinstance(request, dict) or request.get("jsonrpc") != "2.0" or not isinstance(request.get("method"), str):
        return error(request.get("id") if isinstance(request, dict) else None, (-32600, "INVALID_ARGUMENT"), "invalid request")
    request_id, method = request.get("id"), request["method"].removeprefix("Calculator.")
    if method not in METHODS:
        return error(request_id, UNKNOWN_METHOD, f"no method {request['method']}") if "id" in request else None
    params = request.get("params", [])
    try:
        values = params if isinstance(params, list) else list(params.values())
        if any(not isinstance(v, (int, float)) or isinstance(v, bool) for v in values):
            raise TypeError("operands must be numbers")
        result = METHODS[method](*params) if isinstance(params, list) else METHODS[method](**params)
    except AliceBroke as e:
        return error(request_id, INVALID, str(e), "AliceBroke")
    except TypeError as e:
        return error(request_id, INVALID, f"invalid params for {method}: {e}")
    return {"jsonrpc": "2.0", "id": request_id, "result": result} if "id" in request else None


def serve(url):
    u = urlparse(url)
    service = unquote(u.path.lstrip("/"))
    presence = f"{service}/~workers/python-{uuid.uuid4().hex[:12]}"
    client = mqtt.Client(client_id="", protocol=mqtt.MQTTv5)
    if u.username:
        client.username_pw_set(unquote(u.username), unquote(u.password or ""))
    client.will_set(presence, b"", qos=1, retain=True)
    ready = threading.Event()

    def on_message(c, _userdata, msg):
        if msg.topic != service:
            return
        response = answer(msg.payload)
        reply_to = getattr(msg.properties, "ResponseTopic", None)
        if response is None or reply_to is None:
            return
        props = Properties(PacketTypes.PUBLISH)
        if hasattr(msg.properties, "CorrelationData"):
            props.CorrelationData = msg.properties.CorrelationData
        c.publish(reply_to, json.dumps(response), qos=1, properties=props)

    def on_subscribe(*_):
        ready.set()

    client.on_message = on_message
    client.on_subscribe = on_subscribe
    client.connect(u.hostname, u.port or 1883)
    client.subscribe(f"$share/interoffice/{service}", qos=1)
    client.loop_start()
    ready.wait(10)
    client.publish(presence, b"1", qos=1, retain=True).wait_for_publish()
    print("ready", flush=True)

    def stop(*_):
        client.publish(presence, b"", qos=1, retain=True).wait_for_publish()
        client.disconnect()
        client.loop_stop()
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.pause()


if __name__ == "__main__":
    serve(sys.argv[1])
