#!/usr/bin/env python3
"""Call an Interoffice Calculator through RabbitMQ, with Debian's python3-pika.

    python3 amqp_bob.py amqp://127.0.0.1/calc

Written in the style of RabbitMQ's RPC tutorial (docs/transports/amqp.md#wire-format):
each request is one JSON-RPC 2.0 message published to the service's queue, with
reply_to set to the direct reply-to pseudo-queue and a fresh correlation_id; the
answer comes back on this channel with the same correlation_id. The deadline goes as
the message's expiration (the broker drops it unread once it passes) and as the
body's "timeout"; metadata as headers and the body's "meta". Calls the service's
countdown stream too: several answers with one correlation_id, the last a response.
"""
import json
import sys
import time
import uuid
from urllib.parse import unquote, urlparse

import pika


class CalculatorClient:
    def __init__(self, url):
        u = urlparse(url)
        self.queue = unquote(u.path.lstrip("/"))
        credentials = pika.PlainCredentials(unquote(u.username or "guest"), unquote(u.password or "guest"))
        self.connection = pika.BlockingConnection(
            pika.ConnectionParameters(host=u.hostname, port=u.port or 5672, credentials=credentials)
        )
        self.channel = self.connection.channel()
        self.channel.basic_consume(queue="amq.rabbitmq.reply-to", on_message_callback=self.on_response, auto_ack=True)
        self.answers = []
        self.corr_id = None

    def on_response(self, ch, method, props, body):
        if self.corr_id == props.correlation_id:
            self.answers.append(json.loads(body))

    def call(self, method, params, timeout=10.0):
        """The answers to one call: stream items, if any, then the response."""
        self.answers = []
        self.corr_id = str(uuid.uuid4())
        request = {"jsonrpc": "2.0", "id": self.corr_id, "method": method, "params": params,
                   "timeout": int(timeout * 1000), "meta": {"x-caller": "bob"}}
        self.channel.basic_publish(
            exchange="",
            routing_key=self.queue,
            properties=pika.BasicProperties(
                reply_to="amq.rabbitmq.reply-to",
                correlation_id=self.corr_id,
                content_type="application/json",
                expiration=str(int(timeout * 1000)),
                headers={"x-caller": "bob"},
            ),
            body=json.dumps(request),
        )
        deadline = time.monotonic() + timeout
        while not self.answers or "item" in self.answers[-1]:
            if time.monotonic() > deadline:
                raise RuntimeError("DEADLINE_EXCEEDED: no answer before the deadline")
            self.connection.process_data_events(time_limit=0.5)
        return self.answers


def outcome(answers):
    response = answers[-1]
    if "error" in response:
        error = response["error"]
        data = error.get("data", {})
        return f"failed: {data.get('code', error['code'])} {data.get('name', '')}: {error['message']}".replace(" :", ":")
    return f"= {response['result']}"


if __name__ == "__main__":
    calc = CalculatorClient(sys.argv[1])
    print("add(2, 5)", outcome(calc.call("add", [2, 5])))
    print("multiply(8, 5)", outcome(calc.call("Calculator.multiply", {"a": 8, "b": 5})))
    print("divide(1, 0)", outcome(calc.call("divide", [1, 0])))
    answers = calc.call("countdown", {"from": 3})
    print("countdown(3) =", [a["item"] for a in answers if "item" in a], outcome(answers))
    calc.connection.close()
