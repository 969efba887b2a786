#!/usr/bin/env python3
"""Serve a Calculator to Interoffice clients through RabbitMQ, with Debian's python3-pika.

    python3 amqp_alice.py amqp://127.0.0.1/calc

Written in the style of RabbitMQ's RPC tutorial (docs/transports/amqp.md#wire-format):
declare the service's queue (durable, as Interoffice's workers declare it), take one
request at a time (prefetch 1), answer each JSON-RPC 2.0 message to its reply_to with
its correlation_id, then acknowledge it. It runs beside Interoffice's own workers,
competing for the same queue. Prints "ready" once it consumes; stops on SIGTERM.
"""
import json
import signal
import sys
from urllib.parse import unquote, urlparse

import pika

# JSON-RPC error codes and canonical codes (protocol.md#errors).
INVALID, UNKNOWN_METHOD = (-32602, "INVALID_ARGUMENT"), (-32601, "UNIMPLEMENTED")


class AliceBroke(Exception):
    """The service's own error: Interoffice clients that declare it rebuild it by name."""


def divide(a, b):
    if b == 0:
        raise AliceBroke("division by zero")
    return a / b


METHODS = {"add": lambda a, b: a + b, "multiply": lambda a, b: a * b, "divide": divide}


def error(request_id, code, message, name=None):
    data = {"code": code[1]}
    if name:
        data["name"] = name
    return {"jsonrpc": "2.0", "id": request_id, "error": {"code": code[0], "message": message, "data": data}}


def answer(body):
    """The response to one request, or None for a notification."""
    try:
        request = json.loads(body)
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


def on_request(ch, method, props, body):
    response = answer(body)
    if response is not None and props.reply_to:
        ch.basic_publish(
            exchange="",
            routing_key=props.reply_to,
            properties=pika.BasicProperties(correlation_id=props.correlation_id, content_type="application/json"),
            body=json.dumps(response),
        )
    ch.basic_ack(delivery_tag=method.delivery_tag)


def serve(url):
    u = urlparse(url)
    credentials = pika.PlainCredentials(unquote(u.username or "guest"), unquote(u.password or "guest"))
    connection = pika.BlockingConnection(pika.ConnectionParameters(host=u.hostname, port=u.port or 5672, credentials=credentials))
    channel = connection.channel()
    queue = unquote(u.path.lstrip("/"))
    channel.queue_declare(queue=queue, durable=True)
    channel.basic_qos(prefetch_count=1)
    channel.basic_consume(queue=queue, on_message_callback=on_request)
    print("ready", flush=True)
    channel.start_consuming()


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        serve(sys.argv[1])
    except KeyboardInterrupt:
        pass
