#!/usr/bin/env python3
"""The seed article's Redis Bob: publishes one message on a channel.

    REDIS_URL=redis://127.0.0.1:6379 python3 redis_pubsub_bob.py [channel] [message]

Unchanged from the article but for where Redis is, the channel and the message
(default my_channel and "example data"). An Interoffice subscriber of the channel
receives the text as it is: it is not JSON, so a typed subscriber reports it as invalid.
"""
import os
import sys

import redis

r = redis.StrictRedis.from_url(os.environ.get("REDIS_URL", "redis://localhost:6379"))
p = r.pubsub()

channel = sys.argv[1] if len(sys.argv) > 1 else "my_channel"
message = sys.argv[2] if len(sys.argv) > 2 else "example data"
r.publish(channel, message.encode('utf-8'))
