#!/usr/bin/env python3
"""The seed article's Redis Alice: subscribes to a channel and prints what arrives.

    REDIS_URL=redis://127.0.0.1:6379 python3 redis_pubsub_alice.py [channel]

Unchanged from the article but for where Redis is and the channel's name (default
my_channel). Interoffice's event bus publishes on the same plain channels
(docs/transports/redis.md#events), so what `interoffice publish` or `bus.publish()`
sends is printed here.
"""
import os
import sys
import time

import redis

r = redis.StrictRedis.from_url(os.environ.get("REDIS_URL", "redis://localhost:6379"))
p = r.pubsub()


def handler(message):
    print(message['data'].decode('utf-8'), flush=True)


p.subscribe(**{sys.argv[1] if len(sys.argv) > 1 else "my_channel": handler})
thread = p.run_in_thread(sleep_time=0.001)

try:
    # Runs in the background while your program otherwise operates
    time.sleep(1000)
finally:
    # Shut down cleanly when all done
    thread.stop()
