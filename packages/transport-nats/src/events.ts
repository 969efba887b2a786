/**
 * Events on plain NATS subjects: what any NATS client publishes with
 * `nats pub my.subject ...` reaches our subscribers, and what we publish
 * reaches any plain subscriber. Subjects are used as given; payloads are text.
 * While NATS is away, `publish` fails UNAVAILABLE; one under way when the
 * connection dropped resolves once NATS has it after reconnecting, and fails
 * when the bus closes first.
 */
import { hearSafely, RpcError, type EventBus, type Logger } from '@interoffice/core';
import type { Link } from './link.js';

export function openEventBus(link: Link, logger: Logger): EventBus {
  const { nc } = link;
  /** The publishes waiting for the server to have them: nats.js's flush does not end when the connection closes. */
  const waiting = new Set<(e: RpcError) => void>();
  return {
    async publish(channel, payload) {
      const max = nc.info?.max_payload;
      const bytes = Buffer.byteLength(payload);
      if (max !== undefined && bytes > max)
        throw new RpcError('RESOURCE_EXHAUSTED', `an event of ${bytes} bytes exceeds the server's max_payload of ${max}`);
      if (!link.up) throw new RpcError('UNAVAILABLE', `cannot publish on ${channel}: NATS is away (reconnecting)`);
      try {
        nc.publish(channel, payload);
        let fail: (e: RpcError) => void = () => {};
        await new Promise<void>((resolve, reject) => {
          fail = reject;
          waiting.add(fail);
          nc.flush().then(resolve, reject);
        }).finally(() => waiting.delete(fail));
      } catch (e) {
        if (e instanceof RpcError) throw e;
        throw new RpcError('UNAVAILABLE', `cannot publish on ${channel}: ${(e as Error).message}`, { cause: e });
      }
    },
    async subscribe(channel, listener) {
      const sub = nc.subscribe(channel, { callback: (_e, m) => hearSafely(logger, channel, listener, m.string()) });
      await nc.flush(); // subscribed at the server before it resolves
      return async () => sub.unsubscribe();
    },
    close() {
      for (const fail of waiting) fail(new RpcError('UNAVAILABLE', 'the event bus closed before NATS had the event'));
      return link.release();
    },
  };
}
