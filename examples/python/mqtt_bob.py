#!/usr/bin/env python3
"""Call an Interoffice Calculator through an MQTT 5 broker, with Debian's python3-paho-mqtt (1.6).

    python3 mqtt_bob.py mqtt://127.0.0.1:1883/calc

Written from docs/transports/mqtt.md#wire-format: plain MQTT 5 request/response. A request is
one JSON-RPC 2.0 message published (QoS 1) to the service's topic with a response topic and
correlation data; the deadline rides as the message expiry interval, metadata as user
properties. The answer comes back on the response topic with the same correlation data.
"""
import json
import queue
import sys
import uuid
from urllib.parse import unquote, urlparse

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties


class Bob:
    def __init__(self, url):
        u = urlparse(url)
        self.topic = unquote(u.path.lstrip("/"))
        self.replies = f"{self.topic}/~replies/bob-{uuid.uuid4().hex}"
        self.answers = queue.Queue()
        self.client = mqtt.Client(client_id="", protocol=mqtt.MQTTv5)
        if u.username:
            self.client.username_pw_set(unquote(u.username), unquote(u.password or ""))
        self.client.on_message = lambda _c, _u, msg: self.answers.put(msg)
        self.client.connect(u.hostname, u.port or 1883)
        self.client.loop_start()
        self.client.subscribe(self.replies, qos=1)[0]
        self.next_id = 0

    def call(self, method, *args, timeout=30, meta=None, **kwargs):
        """Positional args map onto the method's fields in order; keywords by name."""
        self.next_id += 1
        request = {"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": kwargs if kwargs else list(args)}
        props = Properties(PacketTypes.PUBLISH)
        props.ResponseTopic = self.replies
        props.CorrelationData = str(self.next_id).encode()
        props.MessageExpiryInterval = timeout  # seconds: the server's deadline, and the broker's
        for key, value in (meta or {}).items():
            props.UserProperty = (key, value)
        self.client.publish(self.topic, json.dumps(request), qos=1, properties=props).wait_for_publish()
        while True:
            try:
                msg = self.answers.get(timeout=timeout)
            except queue.Empty:
                raise BobError("DEADLINE_EXCEEDED", "", "no answer before the deadline") from None
            if msg.properties.CorrelationData != props.CorrelationData:
                continue  # a late answer to an earlier call
            response = json.loads(msg.payload)
            if "error" in response:
                error = response["error"]
                data = error.get("data", {})
                raise BobError(data.get("code", error["code"]), data.get("name", ""), error["message"])
            return response["result"]


class BobError(Exception):
    def __init__(self, code, name, message):
        super().__init__(f"{code} {name}: {message}".replace(" :", ":"))
        self.code = code


if __name__ == "__main__":
    bob = Bob(sys.argv[1])
    print(f"add(2, 5) = {bob.call('add', 2, 5, meta={'x-trace': 'bob-1'})}")
    print(f"multiply(8, 5) = {bob.call('Calculator.multiply', a=8, b=5)}")
    try:
        bob.call("divide", 1, 0)
    except BobError as e:
        print(f"divide(1, 0) failed: {e}")
