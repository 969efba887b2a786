/**
 * Durable mode's JetStream parts: the work-queue stream a subject's requests
 * wait in (`INTEROFFICE_<subject>`, retention: work queue, duplicates
 * suppressed by `Nats-Msg-Id`), the consumer its workers share, and the
 * answers kept under each request's stream sequence — the idempotency key — so
 * that a request delivered again after its worker died is answered from
 * there and not run twice.
 */
import { AckPolicy, jetstream, jetstreamManager, RetentionPolicy, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import { headers } from '@nats-io/transport-node';
import type { Setup } from './client.js';
import { REPLY } from './headers.js';
import type { Incoming } from './server.js';

export interface DurableQueue {
  /** What was kept for `q` by an earlier delivery: its answer, `'started'` (a stream cut off), or nothing. */
  kept(q: JsMsg): Promise<string | 'started' | undefined>;
  /** Keep `q`'s answer (undefined: mark its stream started). */
  keep(q: JsMsg, text: string | undefined): void;
  stop(): Promise<void>;
}

const STARTED = 'Interoffice-Started';
const started = headers();
started.set(STARTED, '1');
const CONSUMER = 'workers';
const ms = (n: number): number => n * 1_000_000;

/** The stream-name-safe form of a subject. */
const token = (subject: string): string => subject.replace(/[^A-Za-z0-9_-]/g, '_');
/** Where a durable subject's requests are published. */
export const queueSubject = (subject: string): string => `_INTEROFFICE.queue.${subject}`;

/** Make (or find) the streams and the consumer, and start handing requests to `take`. */
export async function openDurable(s: Setup, take: (m: Incoming) => void): Promise<DurableQueue> {
  const { subject, options: o } = s;
  const { nc } = s.link;
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  const work = `INTEROFFICE_${token(subject)}`;
  const answers = `INTEROFFICE_ANSWERS_${token(subject)}`;
  const answerSubject = (seq: number): string => `_INTEROFFICE.answer.${subject}.${seq}`;
  const ensure = async (name: string, config: object): Promise<void> => {
    try {
      await jsm.streams.info(name);
    } catch {
      await jsm.streams.add({ name, num_replicas: o.replicas, ...config }).catch(() => jsm.streams.info(name));
    }
  };
  await ensure(work, {
    subjects: [queueSubject(subject)],
    retention: RetentionPolicy.Workqueue,
    duplicate_window: ms(120_000),
  });
  await ensure(answers, { subjects: [answerSubject(0).replace(/0$/, '*')], max_age: ms(o.resultTtlMs), max_msgs_per_subject: 1 });
  try {
    await jsm.consumers.info(work, CONSUMER);
  } catch {
    await jsm.consumers
      .add(work, { durable_name: CONSUMER, ack_policy: AckPolicy.Explicit, ack_wait: ms(o.ackWaitMs), max_ack_pending: 100_000 })
      .catch(() => jsm.consumers.info(work, CONSUMER));
  }
  const messages: ConsumerMessages = await (await js.consumers.get(work, CONSUMER)).consume({ max_messages: o.concurrency });
  void (async () => {
    for await (const m of messages) {
      const reply = m.headers?.get(REPLY); // JetStream keeps no reply subject: the client's header names it
      take({ data: m.data, headers: m.headers, reply, arrived: Number(m.info.timestampNanos / 1e6), queued: m });
    }
  })();
  return {
    async kept(q) {
      const stored = await jsm.streams.getMessage(answers, { last_by_subj: answerSubject(q.seq) }).catch(() => null);
      if (stored === null) return undefined;
      return stored.header.has(STARTED) ? 'started' : stored.string();
    },
    keep(q, text) {
      // A plain publish: the answers stream stores it all the same. Nothing waits for JetStream's
      // PubAck (see the worker's finish), and asking for one made a request per call, with its inbox
      // and timer: the worker's largest cost after core's.
      try {
        nc.publish(answerSubject(q.seq), text ?? '', text === undefined ? { headers: started } : undefined);
      } catch {
        // The connection closed: nothing is kept, and a copy delivered again runs again (at least once).
      }
    },
    async stop() {
      await messages.close().catch(() => {});
    },
  };
}
