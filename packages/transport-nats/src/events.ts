/**
 * Events on plain NATS subjects: what any NATS client publishes with
 * `nats pub my.subject ...` reaches our subscribers, and what we publish
 * reaches any plain subscriber. Subjects are used as given; payloads are text.
 */
import { hearSafely, RpcError, type EventBus, type Logger } from '@interoffice/core';
import type { Link } from './link.js';

export function openEventBus(link: Link, logger: Logger): EventBus {
  const { nc } = link;
  return {
    async publish(channel, payload) {
      const max = nc.info?.max_payload;
      const bytes = Buffer.byteLength(payload);
      if (max !== undefined && bytes > max)
        throw new RpcError('RESOURCE_EXHAUSTED', `an event of ${bytes} bytes exceeds the server's max_payload of ${max}`);
      try {
        nc.publish(channel, payload);
        await nc.flush();
      } catch (e) {
        throw new RpcError('UNAVAILABLE', `cannot publish on ${channel}: ${(e as Error).message}`, { cause: e });
      }
    },
    async subscribe(channel, listener) {
      const sub = nc.subscribe(channel, { callback: (_e, m) => hearSafely(logger, channel, listener, m.string()) });
      await nc.flush(); // subscribed at the server before it resolves
      return async () => sub.unsubscribe();
    },
    close: () => link.release(),
  };
}
